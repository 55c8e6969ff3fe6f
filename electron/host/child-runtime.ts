/**
 * How the host starts its children, for the runtime it runs in: Node's
 * child processes in plain Node (`relay-desk serve` from a checkout),
 * Electron's utility processes in the packaged app, whose binary cannot act
 * as Node (the RunAsNode fuse is off). The Electron modules are loaded only
 * in Electron, where the `electron` module is the API and not a file path.
 */
import { launchWithNodeFork, type LaunchRelay } from './relay-process.js';
import { runScriptWithNode, type RunScript } from './script-child.js';

const inElectron = (): boolean => 'electron' in process.versions;

export async function relayLauncher(): Promise<LaunchRelay> {
  return inElectron() ? (await import('./relay-process-electron.js')).launchWithUtilityProcess : launchWithNodeFork;
}

export async function scriptRunner(): Promise<RunScript> {
  return inElectron() ? (await import('./script-child-electron.js')).runScriptInUtilityProcess : runScriptWithNode;
}

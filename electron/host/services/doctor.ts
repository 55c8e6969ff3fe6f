/**
 * Troubleshooting (the Troubleshooting screen, `relay-desk doctor`): the
 * checks an admin would run, one module each in ./doctor/. doctor.run runs
 * every check that needs no input; the others answer one question each.
 */
import type { ApiImplementation, RelayState } from '../../api/contract.js';
import type { DoctorCheck } from '../../api/schemas/doctor.js';
import type { HostContext } from '../context.js';
import { canSend } from './doctor/can-send.js';
import { certificateCheck } from './doctor/certificate-check.js';
import { dnsChecks } from './doctor/dns-checks.js';
import { firewallCheck } from './doctor/firewall-check.js';
import { portChecks } from './doctor/ports-check.js';
import { testLogin, type LoginTester } from './doctor/test-login.js';
import { sendTestMessage } from './doctor/test-message.js';
import { askedUpstreamCheck, upstreamCheck } from './doctor/upstream-check.js';

export interface DoctorRelay extends LoginTester {
  readonly state: RelayState;
}

function relayCheck(state: RelayState): DoctorCheck {
  const base = { id: 'relay', title: 'Relay', details: [] };
  if (state.status === 'running') return { ...base, status: 'ok', summary: 'The relay is running.', fix: null };
  return {
    ...base,
    status: 'problem',
    summary: `The relay is ${state.status}${state.problem ? `: ${state.problem}` : ''}.`,
    fix: "Look at the relay's log (Status, Open log folder); it restarts by itself after a crash.",
  };
}

async function runAll(ctx: HostContext, relay: DoctorRelay): Promise<DoctorCheck[]> {
  const state = relay.state;
  const [ports, firewall, upstream, dns] = await Promise.all([
    portChecks(state.listeners, ctx.hostname()),
    firewallCheck(state.listeners.map((l) => l.port)),
    upstreamCheck(ctx),
    dnsChecks(ctx),
  ]);
  return [relayCheck(state), ...ports, ...(firewall ? [firewall] : []), certificateCheck(ctx), ...(upstream ? [upstream] : []), ...dns];
}

export function doctorService(ctx: HostContext, relay: DoctorRelay): Pick<ApiImplementation, 'doctor.run' | 'doctor.canSend' | 'doctor.testLogin' | 'doctor.upstream' | 'doctor.sendTestMessage'> {
  return {
    'doctor.run': async () => ({ ranAt: new Date().toISOString(), checks: await runAll(ctx, relay) }),
    'doctor.canSend': (input) => Promise.resolve(canSend(ctx, input)),
    'doctor.testLogin': (input) => testLogin(relay, input),
    'doctor.upstream': (input) => askedUpstreamCheck(ctx, input),
    'doctor.sendTestMessage': (input) => sendTestMessage(ctx, relay.state, input),
  };
}

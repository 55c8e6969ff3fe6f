/**
 * `relay-desk <command>` run by the packaged app's Electron binary (see
 * ./headless-args.ts): no window and no dock icon. The command runs once
 * the app is ready, since `serve` starts the relay in a utility process,
 * which Electron starts only then; the app exits with the command's code.
 */
import { app } from 'electron';
import { runCli } from './cli/run.js';

export function runHeadless(args: string[]): void {
  app.dock?.hide();
  let finished = false;
  // Electron takes SIGINT and SIGTERM itself and quits the app. serve listens
  // for them to stop the host and the relay first (the queue kept), so a quit
  // goes to serve's listeners and the app exits when serve has returned.
  app.on('before-quit', (event) => {
    if (finished || process.listenerCount('SIGTERM') === 0) return;
    event.preventDefault();
    process.emit('SIGTERM');
  });
  void app
    .whenReady()
    .then(() => runCli(args))
    .then((code) => {
      finished = true;
      app.exit(code);
    });
}

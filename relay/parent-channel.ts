/**
 * The relay's line to the host, whichever way it was started: Node's fork
 * gives process.send and a 'disconnect' event; Electron's utilityProcess
 * gives process.parentPort, whose messages arrive wrapped as { data }.
 */
export interface ParentChannel {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called when the host is gone and the relay should not outlive it. */
  onHostGone(listener: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function connectToParent(): ParentChannel | null {
  const parentPort = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
      // A utility process is ended by Electron together with its parent.
      onHostGone: () => undefined,
    };
  }
  if (!process.send) return null;
  return {
    send: (message) => {
      if (process.connected) process.send?.(message);
    },
    onMessage: (listener) => process.on('message', listener),
    onHostGone: (listener) => process.on('disconnect', listener),
  };
}

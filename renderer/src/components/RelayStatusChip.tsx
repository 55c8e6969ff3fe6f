import Chip from '@mui/material/Chip';
import type { RelayState } from '#api/contract.js';
import type { DeliveryState } from '#api/schemas/delivery.js';

export interface RelayStatusChipProps {
  state: RelayState | null;
  delivery: DeliveryState | null;
  paused: boolean;
  /** Set while the smarthost's OAuth sign-in has ended: opens the Server screen, where the admin signs in again. */
  onSignInAgain: (() => void) | null;
}

/**
 * The relay's state in a few words, always visible in the app bar: ports it cannot open first, then delivery paused by the admin,
 * then an upstream sign-in to renew (the cause of its failing delivery, so it stands in for "Delivery failing"), then mail it cannot hand on.
 */
export function RelayStatusChip({ state, delivery, paused, onSignInAgain }: RelayStatusChipProps) {
  if (!state) return <Chip label="Connecting…" size="small" />;
  const listening = state.listeners.filter((l) => l.status === 'listening');
  const failed = state.listeners.filter((l) => l.status === 'error');
  if (state.status === 'running' && failed.length === 0 && listening.length > 0 && paused) {
    return <Chip color="warning" size="small" label="Delivery paused" aria-label="relay status" />;
  }
  if (state.status === 'running' && failed.length === 0 && listening.length > 0 && onSignInAgain) {
    return <Chip color="warning" size="small" label="Upstream: sign in again" onClick={onSignInAgain} aria-label="Upstream: sign in again (opens the Server screen)" />;
  }
  if (state.status === 'running' && failed.length === 0 && listening.length > 0 && delivery?.failing) {
    return <Chip color="warning" size="small" label="Delivery failing" aria-label="relay status" />;
  }
  if (state.status === 'running' && failed.length === 0 && listening.length > 0) {
    return (
      <Chip
        color="success"
        size="small"
        label={`Listening on ${listening.map((l) => l.port).join(', ')}`}
        aria-label="relay status"
      />
    );
  }
  if (state.status === 'running' && failed.length > 0) {
    return <Chip color="error" size="small" label={`Port ${failed.map((l) => l.port).join(', ')} unavailable`} aria-label="relay status" />;
  }
  const words: Record<RelayState['status'], string> = {
    starting: 'Starting…',
    running: 'No ports configured',
    restarting: 'Restarting…',
    stopping: 'Stopping…',
    stopped: 'Stopped',
  };
  return <Chip color="warning" size="small" label={words[state.status]} aria-label="relay status" />;
}

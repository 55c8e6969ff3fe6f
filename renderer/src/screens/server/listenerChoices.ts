import type { ServerView } from '#api/schemas/server.js';

export type Encryption = ServerView['listeners'][number]['encryption'];

/** Each choice in words, and what a mail client must do on such a port. */
export const ENCRYPTIONS: { value: Encryption; label: string; hint: string }[] = [
  { value: 'starttls', label: 'STARTTLS offered', hint: 'Clients may switch to TLS; old devices can still send without it.' },
  { value: 'starttls-required', label: 'STARTTLS required', hint: 'Clients must switch to TLS before anything else.' },
  { value: 'tls', label: 'TLS from the start', hint: 'Encrypted from the first byte (as on port 465).' },
  { value: 'none', label: 'None', hint: 'No encryption: passwords cross the network readable.' },
];

/** The ports the host accepts (electron/host/services/server/rules.ts), and why each is there. */
export const ALLOWED_PORTS = [
  { ports: '587', why: 'the standard port for mail clients that log in (use STARTTLS)' },
  { ports: '465', why: 'the same, encrypted from the start (TLS)' },
  { ports: '25', why: 'the classic mail port; some networks and scanners expect it' },
  { ports: '80 and 1025–5000', why: 'alternatives when a network blocks the ports above' },
];

/**
 * What every part of the host works with. Services (./services/) get this
 * and return their slice of the API; they never reach each other directly.
 * Secrets in the vault are named by ./vault-names.ts.
 */
import type { TokenKeeper } from './oauth/token-keeper.js';
import type { Store } from './store/store.js';
import type { Vault } from './vault.js';

export interface SystemMail {
  from: string;
  to: string[];
  /** The whole RFC 5322 message, CRLF line endings. */
  content: string;
}

export interface HostContext {
  readonly dataDir: string;
  readonly store: Store;
  readonly vault: Vault;
  /** The smarthost's OAuth 2.0 tokens, kept fresh (oauth/token-keeper.ts). */
  readonly oauth: TokenKeeper;
  /** Pushes the current settings to the relay; call (and await) after any change that affects it. Resolves when the relay applied them. */
  relayChanged(): Promise<void>;
  /** Pushes just these users (their current state, or their removal) to the relay; resolves when it applied them. */
  usersChanged(names: string[]): Promise<void>;
  /** Queues mail the host itself sends (verification codes) through the relay's queue and upstream; resolves with its queue id. */
  submitMail(mail: SystemMail): Promise<string>;
  /** Resolvers for DNS checks ("host:port"); empty means the system's. */
  dnsServers(): string[];
  /** This machine's name, as mail clients and certificates know it. */
  hostname(): string;
}

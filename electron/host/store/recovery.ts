/** How the store reports a damaged file it worked around, or could not. */
export class StoreOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

export interface Recovery {
  /** Where the unreadable file was moved. */
  keptAs: string;
  reason: string;
}

/** Errors a store raises that callers are expected to handle by code. */
export type StoreConflictCode = 'domain_taken' | 'tenant_taken' | 'email_taken' | 'identity_taken' | 'duplicate';

export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(
    readonly code: StoreConflictCode,
    message: string,
  ) {
    super(message);
  }
}

/** The store could not be reached or failed; launches answer 503, never crash the process. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

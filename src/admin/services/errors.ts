/**
 * The one error type the admin services raise. The API turns it into `{error: {code, message,
 * field?}}` with `status`; the console and the CLI show `message` and switch on `code`.
 */
export type AdminErrorCode =
  | 'not_found'
  | 'invalid_input'
  | 'invalid_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'conflict'
  | 'forbidden'
  | 'unauthorized'
  | 'no_seats'
  | 'no_entitlement'
  | 'store_unavailable'
  | 'internal_error';

const STATUS: Record<AdminErrorCode, number> = {
  not_found: 404,
  invalid_input: 400,
  invalid_json: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  conflict: 409,
  forbidden: 403,
  unauthorized: 401,
  no_seats: 409,
  no_entitlement: 409,
  store_unavailable: 503,
  internal_error: 500,
};

export class AdminError extends Error {
  override readonly name = 'AdminError';
  readonly status: number;

  constructor(
    readonly code: AdminErrorCode,
    message: string,
    /** The request field at fault, as a dotted path (`deploymentIds.0`), when one is. */
    readonly field?: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

/**
 * What an actor may not see answers exactly like what does not exist, so ids of other
 * organizations cannot be probed.
 */
export function notFound(what: string, id: string): AdminError {
  return new AdminError('not_found', `No ${what} with id "${id}".`);
}

export function invalidInput(message: string, field?: string): AdminError {
  return new AdminError('invalid_input', message, field);
}

/**
 * Why an OAuth partner launch stopped before a decision. Each failure carries the sink's reason (a
 * protocol check failed, or the partner failed to answer) and a check name a program can switch on;
 * the message is for the log and the admin, and never holds a code, token or secret.
 */

/** A protocol check of the launch itself failed: the user should start again from the portal. */
export type LaunchCheck =
  | 'state_mismatch'
  | 'code_missing'
  | 'code_replayed'
  | 'code_rejected'
  | 'authorization_denied'
  | 'reauthorization_limit';

/** The partner did not answer usefully: error status, timeout, or an answer of the wrong shape. */
export type PartnerCheck =
  | 'authorization_error'
  | 'token_timeout'
  | 'token_unreachable'
  | `token_endpoint_${number}`
  | 'token_malformed'
  | 'userinfo_timeout'
  | 'userinfo_unreachable'
  | `userinfo_endpoint_${number}`
  | 'userinfo_malformed'
  | 'userinfo_incomplete'
  | 'unexpected_error';

export type OAuthFailure =
  | { reason: 'launch_invalid'; check: LaunchCheck }
  | { reason: 'partner_error'; check: PartnerCheck };

export class OAuthLaunchError extends Error {
  override readonly name = 'OAuthLaunchError';
  readonly reason: OAuthFailure['reason'];
  readonly check: OAuthFailure['check'];

  constructor(failure: OAuthFailure, message: string) {
    super(message);
    this.reason = failure.reason;
    this.check = failure.check;
  }
}

export function launchInvalid(check: LaunchCheck, message: string): OAuthLaunchError {
  return new OAuthLaunchError({ reason: 'launch_invalid', check }, message);
}

export function partnerError(check: PartnerCheck, message: string): OAuthLaunchError {
  return new OAuthLaunchError({ reason: 'partner_error', check }, message);
}

/**
 * passport-oauth2 wraps errors from the token exchange in an InternalOAuthError (`oauthError`);
 * this finds ours inside, whatever the wrapping.
 */
export function unwrapLaunchError(err: unknown): OAuthLaunchError | null {
  if (err instanceof OAuthLaunchError) return err;
  if (typeof err === 'object' && err !== null && 'oauthError' in err) {
    const inner = (err as { oauthError: unknown }).oauthError;
    if (inner instanceof OAuthLaunchError) return inner;
  }
  return null;
}


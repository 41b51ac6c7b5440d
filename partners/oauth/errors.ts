/**
 * Why an OAuth partner launch stopped before a decision. Each failure carries the sink's reason (a
 * protocol check failed, the partner failed to answer, or our store failed) and a check name a
 * program can switch on; the message is for the log and the admin, and never holds a code, token
 * or secret. A failure also carries the tenant (and user) when the partner named them before the
 * launch broke, so the event lands in that organization's audit log rather than nowhere.
 */
import type { TenantKey } from '../../src/identity/launch-identity';


/** A protocol check of the launch itself failed: the user should start again from the portal. */
export type LaunchCheck =
  | 'state_mismatch'
  | 'code_missing'
  | 'code_replayed'
  | 'code_rejected'
  | 'authorization_denied'
  | 'reauthorization_limit'
  | 'cookies_blocked';

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

/** Our ephemeral store (flows, used codes, re-authorization counters) failed; the launch cannot go on. */
export type StoreCheck = 'flow_store_failed' | 'code_store_failed' | 'reauth_store_failed';

export type OAuthFailure =
  | { reason: 'launch_invalid'; check: LaunchCheck }
  | { reason: 'partner_error'; check: PartnerCheck }
  | { reason: 'store_error'; check: StoreCheck };

/** Who the launch was for, as far as it got: whatever the partner (or the start link) named. */
export interface FailureScope {
  tenant?: TenantKey;
  subject?: string;
}

export class OAuthLaunchError extends Error {
  override readonly name = 'OAuthLaunchError';
  readonly reason: OAuthFailure['reason'];
  readonly check: OAuthFailure['check'];
  /** Set once known (e.g. Clever's district from /v3.0/me when /v3.0/users/{id} then fails). */
  tenant?: TenantKey;
  subject?: string;

  constructor(failure: OAuthFailure, message: string) {
    super(message);
    this.reason = failure.reason;
    this.check = failure.check;
  }

  /** Records who the launch was for, keeping anything already known; returns this for `throw`. */
  within(scope: FailureScope): this {
    this.tenant ??= scope.tenant;
    this.subject ??= scope.subject;
    return this;
  }
}

export function launchInvalid(check: LaunchCheck, message: string): OAuthLaunchError {
  return new OAuthLaunchError({ reason: 'launch_invalid', check }, message);
}

export function partnerError(check: PartnerCheck, message: string): OAuthLaunchError {
  return new OAuthLaunchError({ reason: 'partner_error', check }, message);
}

/** The store's own error goes to the log by the caller; this message says only which step failed. */
export function storeError(check: StoreCheck, message: string): OAuthLaunchError {
  return new OAuthLaunchError({ reason: 'store_error', check }, message);
}

/** Runs a store step, turning its failure into a store_error (the original is kept as `cause`). */
export async function storeStep<T>(check: StoreCheck, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    const failure = storeError(check, `the store failed while ${what}`);
    failure.cause = err;
    throw failure;
  }
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


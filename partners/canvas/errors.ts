/**
 * Every way a Canvas launch can fail a protocol check, as one code a program can switch on. The
 * code goes to the log and the audit event (`check`); the person launching sees a generic page.
 */

export const LAUNCH_CHECK_CODES = [
  // Login initiation
  'login_params_missing',
  'client_id_missing',
  'target_link_uri_foreign',
  // The form_post itself
  'form_unreadable',
  'id_token_missing',
  'state_missing',
  'state_unknown',
  'state_not_bound_to_browser',
  'continuation_unknown',
  'continuation_cross_origin',
  // The id_token's envelope
  'id_token_malformed',
  'alg_not_allowed',
  'kid_missing',
  'kid_unknown',
  'signature_invalid',
  // Claims (1EdTech Security Framework 5.1.3, LTI 1.3 core 5.3)
  'iss_mismatch',
  'aud_mismatch',
  'azp_missing',
  'azp_mismatch',
  'exp_missing',
  'token_expired',
  'iat_missing',
  'iat_in_future',
  'token_too_old',
  'nbf_in_future',
  'nonce_missing',
  'nonce_unknown',
  'nonce_replayed',
  'nonce_not_from_this_login',
  'sub_missing',
  'version_unsupported',
  'message_type_unsupported',
  'deployment_id_missing',
  'deployment_id_mismatch',
  'target_link_uri_missing',
  'target_link_uri_mismatch',
  'roles_claim_missing',
  'resource_link_missing',
] as const;
export type LaunchCheckCode = (typeof LAUNCH_CHECK_CODES)[number];

/** A launch failed one named check. `message` is for the log: it never contains the token. */
export class LaunchCheckError extends Error {
  override readonly name = 'LaunchCheckError';
  constructor(
    readonly code: LaunchCheckCode,
    message: string,
  ) {
    super(message);
  }
}

/** The platform's key set could not be fetched or read: the partner failed, not the launch. */
export class PlatformUnavailableError extends Error {
  override readonly name = 'PlatformUnavailableError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

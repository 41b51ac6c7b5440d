/**
 * The id_token checks of the 1EdTech Security Framework (5.1.3) and LTI 1.3 core (5.3), one named
 * function per rule, each throwing a LaunchCheckError with its own code. They are pure: the key
 * lookup, the nonce store and the clock are the caller's business.
 */
import { LaunchCheckError } from './errors';
import { LTI, objectClaim, stringClaim, type IdTokenPayload } from './claims';

export interface ClockPolicy {
  /** Allowed difference between our clock and the platform's, in seconds. */
  skewSeconds: number;
  /** The oldest `iat` accepted, in seconds: covers real Canvas latency (login → form_post). */
  maxAgeSeconds: number;
}

export const DEFAULT_CLOCK_POLICY: ClockPolicy = { skewSeconds: 60, maxAgeSeconds: 300 };

export const SUPPORTED_MESSAGE_TYPES = ['LtiResourceLinkRequest'] as const;

export interface JoseHeader {
  alg?: unknown;
  kid?: unknown;
}

/** RS256 only: refuses `none`, and HS256 that would use the platform's public key as an HMAC secret. */
export function checkAlgorithm(header: JoseHeader): void {
  if (header.alg !== 'RS256') {
    throw new LaunchCheckError('alg_not_allowed', `id_token alg ${JSON.stringify(String(header.alg)).slice(0, 40)} is not RS256`);
  }
}

export function checkKeyId(header: JoseHeader): string {
  if (typeof header.kid !== 'string' || header.kid === '') {
    throw new LaunchCheckError('kid_missing', 'id_token header has no kid to select the platform key');
  }
  return header.kid;
}

export function checkIssuer(payload: IdTokenPayload, expected: string): string {
  const iss = payload.iss;
  if (iss !== expected) {
    throw new LaunchCheckError('iss_mismatch', `iss ${JSON.stringify(String(iss)).slice(0, 200)} is not the issuer that started this login`);
  }
  return expected;
}

export function checkAudience(payload: IdTokenPayload, clientId: string): void {
  const aud = payload.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(clientId)) {
    throw new LaunchCheckError('aud_mismatch', `aud does not contain client id ${clientId}`);
  }
}

/** With several audiences the token must say which one it was issued to (OIDC Core 3.1.3.7). */
export function checkAuthorizedParty(payload: IdTokenPayload, clientId: string): void {
  const azp = payload.azp;
  const several = Array.isArray(payload.aud) && payload.aud.length > 1;
  if (azp === undefined) {
    if (several) throw new LaunchCheckError('azp_missing', 'id_token has several audiences and no azp');
    return;
  }
  if (azp !== clientId) throw new LaunchCheckError('azp_mismatch', `azp is not client id ${clientId}`);
}

function numericDate(payload: IdTokenPayload, name: 'exp' | 'iat' | 'nbf'): number | undefined {
  const value = payload[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function checkExpiry(payload: IdTokenPayload, nowSeconds: number, policy: ClockPolicy): void {
  const exp = numericDate(payload, 'exp');
  if (exp === undefined) throw new LaunchCheckError('exp_missing', 'id_token has no exp');
  if (nowSeconds - policy.skewSeconds >= exp) {
    throw new LaunchCheckError('token_expired', `id_token expired ${Math.round(nowSeconds - exp)} s ago`);
  }
}

export function checkIssuedAt(payload: IdTokenPayload, nowSeconds: number, policy: ClockPolicy): void {
  const iat = numericDate(payload, 'iat');
  if (iat === undefined) throw new LaunchCheckError('iat_missing', 'id_token has no iat');
  if (iat > nowSeconds + policy.skewSeconds) {
    throw new LaunchCheckError('iat_in_future', `id_token was issued ${Math.round(iat - nowSeconds)} s in the future`);
  }
  if (nowSeconds - iat > policy.maxAgeSeconds + policy.skewSeconds) {
    throw new LaunchCheckError('token_too_old', `id_token was issued ${Math.round(nowSeconds - iat)} s ago`);
  }
}

export function checkNotBefore(payload: IdTokenPayload, nowSeconds: number, policy: ClockPolicy): void {
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > nowSeconds + policy.skewSeconds) {
    throw new LaunchCheckError('nbf_in_future', 'id_token is not valid yet');
  }
}

export function checkNoncePresent(payload: IdTokenPayload): string {
  const nonce = stringClaim(payload, 'nonce');
  if (nonce === undefined || nonce.length > 256) throw new LaunchCheckError('nonce_missing', 'id_token has no usable nonce');
  return nonce;
}

export function checkSubject(payload: IdTokenPayload): string {
  const sub = stringClaim(payload, 'sub');
  if (sub === undefined) throw new LaunchCheckError('sub_missing', 'id_token has no sub (anonymous launches are not supported)');
  return sub;
}

export function checkVersion(payload: IdTokenPayload): void {
  if (payload[LTI.version] !== '1.3.0') {
    throw new LaunchCheckError('version_unsupported', `LTI version ${JSON.stringify(String(payload[LTI.version])).slice(0, 40)} is not 1.3.0`);
  }
}

export function checkMessageType(payload: IdTokenPayload): string {
  const type = payload[LTI.messageType];
  if (typeof type !== 'string' || !(SUPPORTED_MESSAGE_TYPES as readonly string[]).includes(type)) {
    throw new LaunchCheckError('message_type_unsupported', `message type ${JSON.stringify(String(type)).slice(0, 60)} is not supported`);
  }
  return type;
}

/** The deployment claim must be present and, when the login named one, be that one (LTI 1.3 core 4.1.2). */
export function checkDeployment(payload: IdTokenPayload, loginDeploymentId: string | null): string {
  const deploymentId = stringClaim(payload, LTI.deploymentId);
  if (deploymentId === undefined || deploymentId.length > 255) {
    throw new LaunchCheckError('deployment_id_missing', 'id_token has no deployment_id');
  }
  if (loginDeploymentId !== null && deploymentId !== loginDeploymentId) {
    throw new LaunchCheckError('deployment_id_mismatch', 'deployment_id differs from the lti_deployment_id of the login');
  }
  return deploymentId;
}

/** A URL as compared for equality: parsed and serialized again, without a fragment (never sent to a server). */
function comparableUrl(value: string): string | null {
  try {
    const url = new URL(value);
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

/**
 * The token must be for the link the login was for (LTI 1.3 core 5.3.3: the tool verifies the
 * target_link_uri claim). The login checked only its origin; the path and query matter too: a
 * placement's `?product=` chooses the product, so a token issued for one link must not complete a
 * login started for another.
 */
export function checkTargetLinkUri(payload: IdTokenPayload, loginTargetLinkUri: string | null): void {
  if (loginTargetLinkUri === null) return;
  const claimed = stringClaim(payload, LTI.targetLinkUri);
  if (claimed === undefined) throw new LaunchCheckError('target_link_uri_missing', 'id_token has no target_link_uri claim');
  const expected = comparableUrl(loginTargetLinkUri);
  if (expected === null || comparableUrl(claimed) !== expected) {
    throw new LaunchCheckError('target_link_uri_mismatch', 'the id_token target_link_uri is not the one the login was started for');
  }
}

export function checkRolesClaim(payload: IdTokenPayload): void {
  const roles = payload[LTI.roles];
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) {
    throw new LaunchCheckError('roles_claim_missing', 'id_token has no roles claim (an empty list is allowed)');
  }
}

export function checkResourceLink(payload: IdTokenPayload): void {
  const link = objectClaim(payload, LTI.resourceLink);
  if (link === undefined || typeof link.id !== 'string' || link.id === '') {
    throw new LaunchCheckError('resource_link_missing', 'resource link launch has no resource_link.id');
  }
}

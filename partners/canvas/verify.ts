/**
 * Verifies a Canvas id_token: the envelope (alg, kid, signature against the cached platform key
 * set), then every claim check in the order the Security Framework lists them. Replay protection
 * (nonce and state) needs the store and happens in the launch handler, after this succeeds.
 */
import { compactVerify, decodeProtectedHeader, errors as joseErrors, type ProtectedHeaderParameters } from 'jose';
import {
  checkAlgorithm,
  checkAudience,
  checkAuthorizedParty,
  checkDeployment,
  checkExpiry,
  checkIssuedAt,
  checkIssuer,
  checkKeyId,
  checkMessageType,
  checkNoncePresent,
  checkNotBefore,
  checkResourceLink,
  checkRolesClaim,
  checkSubject,
  checkTargetLinkUri,
  checkVersion,
  DEFAULT_CLOCK_POLICY,
  type ClockPolicy,
} from './checks';
import type { IdTokenPayload, VerifiedLaunch } from './claims';
import { LaunchCheckError } from './errors';
import type { PlatformKeys } from './platform-keys';

export interface LaunchExpectations {
  issuer: string;
  clientId: string;
  /** The `lti_deployment_id` the login carried, if any. */
  loginDeploymentId: string | null;
  /** The `target_link_uri` the login carried; null skips the check (a login always has one today). */
  loginTargetLinkUri: string | null;
  jwksUrl: string;
}

const MAX_TOKEN_LENGTH = 64 * 1024;

function readHeader(token: string): ProtectedHeaderParameters {
  if (token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) {
    throw new LaunchCheckError('id_token_malformed', 'id_token is not a compact JWS');
  }
  try {
    return decodeProtectedHeader(token);
  } catch {
    throw new LaunchCheckError('id_token_malformed', 'id_token header cannot be decoded');
  }
}

async function verifySignature(token: string, key: Awaited<ReturnType<PlatformKeys['key']>>): Promise<IdTokenPayload> {
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await compactVerify(token, key, { algorithms: ['RS256'] }));
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed || err instanceof joseErrors.JOSEAlgNotAllowed) {
      throw new LaunchCheckError('signature_invalid', 'id_token signature does not verify with the platform key');
    }
    throw new LaunchCheckError('id_token_malformed', `id_token cannot be verified (${err instanceof Error ? err.name : 'error'})`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadBytes).toString('utf8'));
  } catch {
    throw new LaunchCheckError('id_token_malformed', 'id_token payload is not JSON');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new LaunchCheckError('id_token_malformed', 'id_token payload is not a JSON object');
  }
  return payload as IdTokenPayload;
}

export async function verifyIdToken(
  token: string,
  expected: LaunchExpectations,
  keys: PlatformKeys,
  now: Date,
  policy: ClockPolicy = DEFAULT_CLOCK_POLICY,
): Promise<VerifiedLaunch> {
  const header = readHeader(token);
  checkAlgorithm(header);
  const kid = checkKeyId(header);
  const key = await keys.key(expected.jwksUrl, kid);
  const payload = await verifySignature(token, key);

  const nowSeconds = now.getTime() / 1000;
  const issuer = checkIssuer(payload, expected.issuer);
  checkAudience(payload, expected.clientId);
  checkAuthorizedParty(payload, expected.clientId);
  checkExpiry(payload, nowSeconds, policy);
  checkIssuedAt(payload, nowSeconds, policy);
  checkNotBefore(payload, nowSeconds, policy);
  const nonce = checkNoncePresent(payload);
  checkVersion(payload);
  const messageType = checkMessageType(payload);
  const deploymentId = checkDeployment(payload, expected.loginDeploymentId);
  checkTargetLinkUri(payload, expected.loginTargetLinkUri);
  const subject = checkSubject(payload);
  checkRolesClaim(payload);
  if (messageType === 'LtiResourceLinkRequest') checkResourceLink(payload);
  return { issuer, clientId: expected.clientId, deploymentId, subject, nonce, messageType, payload };
}

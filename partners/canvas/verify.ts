/**
 * Verifies a Canvas id_token: the envelope (alg, kid, signature against the cached platform key
 * set), then every claim check in the order the Security Framework lists them. Replay protection
 * (nonce and state) needs the store and happens in the launch handler, after this succeeds.
 */
import type { KeyObject } from 'node:crypto';
import { JwsError, readJwsHeader, verifyJws } from '../../src/identity/compact-jws';
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
  type JoseHeader,
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

function readHeader(token: string): JoseHeader {
  if (token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) {
    throw new LaunchCheckError('id_token_malformed', 'id_token is not a compact JWS');
  }
  try {
    return readJwsHeader(token);
  } catch {
    throw new LaunchCheckError('id_token_malformed', 'id_token header cannot be decoded');
  }
}

function verifySignature(token: string, key: KeyObject): IdTokenPayload {
  try {
    return verifyJws(token, key, ['RS256']).payload as IdTokenPayload;
  } catch (err) {
    if (err instanceof JwsError && (err.code === 'signature_invalid' || err.code === 'alg_not_allowed')) {
      throw new LaunchCheckError('signature_invalid', 'id_token signature does not verify with the platform key');
    }
    if (err instanceof JwsError && err.code === 'crit_unsupported') {
      throw new LaunchCheckError('id_token_malformed', 'id_token names JWS extensions LTI does not use');
    }
    throw new LaunchCheckError('id_token_malformed', `id_token cannot be verified (${err instanceof JwsError ? err.message : 'error'})`);
  }
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
  const payload = verifySignature(token, key);

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

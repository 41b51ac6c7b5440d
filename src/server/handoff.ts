/**
 * The handoff to the product: a short-lived, single-use JWT signed with LaunchGate's key (ES256,
 * or RS256 for a store that holds an older RSA key), naming who the user is and how they got
 * access. Products verify it against /.well-known/jwks.json.
 */
import { randomUUID } from 'node:crypto';
import { JwsError, signJws, verifyJws } from '../identity/compact-jws';
import type { NormalizedRole, Partner } from '../identity/launch-identity';
import type { AllowedReason } from '../provisioning/reasons';
import type { SigningKeys } from './secrets';

export const ASSERTION_TYPE = 'launchgate-assertion+jwt';
export const ASSERTION_LIFETIME_SECONDS = 60;

export interface AssertionClaims {
  /** LaunchGate's user id. */
  sub: string;
  email: string | null;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  roles: NormalizedRole[];
  partner: Partner;
  product: string;
  directory: string;
  organization: string;
  /** How access was granted: existing_license, license_assigned or user_created. */
  access: AllowedReason;
}

export interface VerifiedAssertion extends AssertionClaims {
  jti: string;
  iat: number;
  exp: number;
}

/** How far a clock may be off between LaunchGate and the product verifying its assertion. */
const CLOCK_TOLERANCE_SECONDS = 5;

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export async function signAssertion(keys: SigningKeys, issuer: string, claims: AssertionClaims, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return signJws(
    { alg: keys.alg, kid: keys.kid, typ: ASSERTION_TYPE },
    { ...claims, iss: issuer, aud: claims.product, iat, exp: iat + ASSERTION_LIFETIME_SECONDS, jti: randomUUID() },
    keys.privateKey,
  );
}

function numericClaim(payload: Record<string, unknown>, name: string): number {
  const value = payload[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new AssertionError(`assertion lacks a numeric ${name}`);
  return value;
}

/**
 * Verifies signature (the key's own algorithm only), type, issuer, audience and lifetime: issued
 * no more than its lifetime ago and not in the future, not expired, not before nbf; each with
 * CLOCK_TOLERANCE_SECONDS. Single use is the caller's job (jti).
 */
export async function verifyAssertion(keys: SigningKeys, issuer: string, productId: string, token: string, now: Date): Promise<VerifiedAssertion> {
  let verified;
  try {
    verified = verifyJws(token, keys.publicKey, [keys.alg]);
  } catch (err) {
    throw new AssertionError(err instanceof JwsError ? `assertion refused (${err.code})` : 'assertion refused');
  }
  const { header, payload } = verified;
  if (header.typ !== ASSERTION_TYPE) throw new AssertionError('assertion has the wrong typ');
  if (payload.iss !== issuer) throw new AssertionError('assertion names another issuer');
  const aud = payload.aud;
  if (!(aud === productId || (Array.isArray(aud) && aud.includes(productId)))) throw new AssertionError('assertion is for another product');
  const nowS = Math.floor(now.getTime() / 1000);
  const iat = numericClaim(payload, 'iat');
  const exp = numericClaim(payload, 'exp');
  if (iat > nowS + CLOCK_TOLERANCE_SECONDS) throw new AssertionError('assertion is issued in the future');
  if (nowS - iat > ASSERTION_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) throw new AssertionError('assertion is too old');
  if (exp <= nowS - CLOCK_TOLERANCE_SECONDS) throw new AssertionError('assertion has expired');
  if (payload.nbf !== undefined && numericClaim(payload, 'nbf') > nowS + CLOCK_TOLERANCE_SECONDS) throw new AssertionError('assertion is not valid yet');
  if (typeof payload.jti !== 'string' || typeof payload.sub !== 'string') throw new AssertionError('assertion lacks jti or sub');
  return payload as unknown as VerifiedAssertion;
}

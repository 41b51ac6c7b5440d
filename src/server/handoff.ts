/**
 * The handoff to the product: a short-lived, single-use JWT signed with LaunchGate's key (ES256,
 * or RS256 for a store that holds an older RSA key), naming who the user is and how they got
 * access. Products verify it against /.well-known/jwks.json.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
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

export async function signAssertion(keys: SigningKeys, issuer: string, claims: AssertionClaims, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ ...claims } as unknown as JWTPayload)
    .setProtectedHeader({ alg: keys.alg, kid: keys.kid, typ: ASSERTION_TYPE })
    .setIssuer(issuer)
    .setAudience(claims.product)
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(keys.privateKey);
}

/** Verifies signature, issuer, audience, type and lifetime. Single use is the caller's job (jti). */
export async function verifyAssertion(keys: SigningKeys, issuer: string, productId: string, token: string, now: Date): Promise<VerifiedAssertion> {
  const { payload } = await jwtVerify(token, keys.publicKey, {
    issuer,
    audience: productId,
    algorithms: [keys.alg],
    typ: ASSERTION_TYPE,
    currentDate: now,
    maxTokenAge: ASSERTION_LIFETIME_SECONDS + 5,
    clockTolerance: 5,
  });
  if (typeof payload.jti !== 'string' || typeof payload.sub !== 'string') throw new Error('assertion lacks jti or sub');
  return payload as unknown as VerifiedAssertion;
}

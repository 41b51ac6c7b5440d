/**
 * How the simulated Canvas builds and signs id_tokens: the claims a Canvas resource link launch
 * carries, privacy levels, variable expansion, and the forgeries the attack tests need.
 */
import { createHmac, generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { exportJWK, type JWK } from 'jose';
import { signJws } from '../../../src/identity/compact-jws';

const generateKeyPairAsync = promisify(generateKeyPair);

export const LIS_ROLES = {
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  contentDeveloper: 'http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper',
  teachingAssistant: 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  institutionStudent: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student',
  institutionInstructor: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor',
  institutionAdmin: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
  institutionStaff: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Staff',
  systemUser: 'http://purl.imsglobal.org/vocab/lis/v2/system/person#User',
} as const;

export type PrivacyLevel = 'public' | 'name_only' | 'email_only' | 'anonymous';

export interface SimUser {
  /** Canvas's opaque user id (`sub`); a UUID when absent. */
  sub?: string;
  email?: string | null;
  givenName?: string;
  familyName?: string;
  name?: string;
  roles?: string[];
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

export async function newSigningKey(kid: string = randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/** Ways to forge or break a token, for the attack tests. */
export interface TokenTamper {
  /** Claims merged over the genuine ones; `undefined` removes a claim. */
  claims?: Record<string, unknown>;
  /** `none`: unsigned. `HS256-with-public-key`: HMAC keyed with the platform's public key (the classic confusion attack). */
  alg?: 'RS256' | 'none' | 'HS256-with-public-key';
  /** Sign with a key the platform never published. */
  signWithStranger?: boolean;
  /** Put this kid in the header instead of the signing key's. */
  kid?: string;
}

function b64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

export async function signToken(payload: Record<string, unknown>, key: SigningKey, tamper: TokenTamper = {}, stranger?: SigningKey): Promise<string> {
  const kid = tamper.kid ?? key.kid;
  if (tamper.alg === 'none') {
    return `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT', kid }))}.${b64url(JSON.stringify(payload))}.`;
  }
  if (tamper.alg === 'HS256-with-public-key') {
    const secret = JSON.stringify(key.publicJwk);
    const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid }))}.${b64url(JSON.stringify(payload))}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  }
  const signer = tamper.signWithStranger && stranger ? stranger : key;
  return signJws({ alg: 'RS256', typ: 'JWT', kid }, payload, signer.privateKey);
}

export interface ClaimsInput {
  issuer: string;
  clientId: string;
  deploymentId: string;
  nonce: string;
  user: SimUser & { sub: string };
  privacy: PrivacyLevel;
  targetLinkUri: string;
  context: { id: string; label?: string; title?: string } | null;
  custom: Record<string, string>;
  platformGuid: string;
  nowSeconds: number;
}

/** Canvas expands a variable only when the privacy level allows it; otherwise it arrives literally. */
function expand(value: string, input: ClaimsInput): string {
  const { user, privacy } = input;
  const email = privacy === 'public' || privacy === 'email_only';
  const names = privacy === 'public' || privacy === 'name_only';
  switch (value) {
    case '$Person.email.primary':
      return email && user.email ? user.email : value;
    case '$Person.name.given':
      return names && user.givenName ? user.givenName : value;
    case '$Person.name.family':
      return names && user.familyName ? user.familyName : value;
    case '$Canvas.user.id':
      return user.sub;
    case '$Context.id':
      return input.context?.id ?? value;
    default:
      return value;
  }
}

export function canvasClaims(input: ClaimsInput): Record<string, unknown> {
  const { user, privacy } = input;
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    aud: input.clientId,
    azp: input.clientId,
    sub: user.sub,
    iat: input.nowSeconds,
    exp: input.nowSeconds + 3600,
    nonce: input.nonce,
    'https://purl.imsglobal.org/spec/lti/claim/message_type': 'LtiResourceLinkRequest',
    'https://purl.imsglobal.org/spec/lti/claim/version': '1.3.0',
    'https://purl.imsglobal.org/spec/lti/claim/deployment_id': input.deploymentId,
    'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': input.targetLinkUri,
    'https://purl.imsglobal.org/spec/lti/claim/resource_link': { id: randomUUID(), title: 'LaunchGate', description: null },
    'https://purl.imsglobal.org/spec/lti/claim/roles': user.roles ?? [LIS_ROLES.learner, LIS_ROLES.institutionStudent, LIS_ROLES.systemUser],
    'https://purl.imsglobal.org/spec/lti/claim/tool_platform': {
      guid: input.platformGuid,
      name: 'Simulated Canvas',
      version: 'cloud',
      product_family_code: 'canvas',
    },
    'https://purl.imsglobal.org/spec/lti/claim/launch_presentation': { document_target: 'iframe', locale: 'en' },
    'https://purl.imsglobal.org/spec/lti/claim/custom': Object.fromEntries(Object.entries(input.custom).map(([k, v]) => [k, expand(v, input)])),
    'https://www.instructure.com/placement': 'course_navigation',
    locale: 'en',
  };
  if (input.context) {
    claims['https://purl.imsglobal.org/spec/lti/claim/context'] = { ...input.context, type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] };
  }
  if ((privacy === 'public' || privacy === 'email_only') && user.email) claims.email = user.email;
  if (privacy === 'public' || privacy === 'name_only') {
    if (user.name ?? (user.givenName || user.familyName)) claims.name = user.name ?? [user.givenName, user.familyName].filter(Boolean).join(' ');
    if (user.givenName) claims.given_name = user.givenName;
    if (user.familyName) claims.family_name = user.familyName;
  }
  return claims;
}

export function applyTamper(claims: Record<string, unknown>, tamper: TokenTamper | undefined): Record<string, unknown> {
  if (!tamper?.claims) return claims;
  const result = { ...claims };
  for (const [name, value] of Object.entries(tamper.claims)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

/**
 * Compact JWS (RFC 7515) for the launch path: RS256 and ES256 only, signed and verified with
 * node:crypto's synchronous one-shot calls.
 *
 * Why not jose here: jose 5 on Node runs every sign and verify through a promisified
 * crypto.sign/verify, i.e. on the libuv thread pool. On the launch path that costs 3–4x the
 * signature itself in CPU (measured: ES256 sign 173 µs against 47 µs, see the README's benchmark
 * section), and a launch does three of them. jose still imports JWKs and serves the other uses.
 *
 * What verify checks, in order (each refusal a JwsError with its code):
 *   malformed          three base64url segments, a JSON-object header with a string alg, a JSON-object payload
 *   alg_not_allowed    alg is one the caller allows (never "none", never an HMAC), and fits the key
 *   crit_unsupported   no `crit` header (we understand no extensions), no unencoded payload (`b64`)
 *   signature_invalid  the signature verifies with the key (ES256: exactly 64 bytes, r‖s)
 */
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';

export type JwsAlgorithm = 'RS256' | 'ES256';

export type JwsErrorCode = 'malformed' | 'alg_not_allowed' | 'crit_unsupported' | 'signature_invalid';

export class JwsError extends Error {
  override readonly name = 'JwsError';
  constructor(
    readonly code: JwsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface JwsHeader {
  alg: JwsAlgorithm;
  kid?: string;
  typ?: string;
  [name: string]: unknown;
}

export interface VerifiedJws {
  header: JwsHeader;
  payload: Record<string, unknown>;
}

const SEGMENT = /^[A-Za-z0-9_-]*$/;
const ES256_SIGNATURE_BYTES = 64;
const MIN_RSA_BITS = 2048;

function encodeJson(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwsError('malformed', `the JWS ${what} is not base64url-encoded JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwsError('malformed', `the JWS ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Whether `key` is the kind of key `alg` names (an RSA key of 2048 bits or more; a P-256 key). */
function keyFits(alg: JwsAlgorithm, key: KeyObject): boolean {
  if (alg === 'RS256') {
    return key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS;
  }
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

function cryptoKey(alg: JwsAlgorithm, key: KeyObject): KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' } {
  // JWS carries an ECDSA signature as r‖s (RFC 7518 3.4), not DER.
  return alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
}

export function signJws(header: JwsHeader, payload: object, privateKey: KeyObject): string {
  if (privateKey.type !== 'private' || !keyFits(header.alg, privateKey)) {
    throw new JwsError('alg_not_allowed', `the signing key does not fit ${header.alg}`);
  }
  const input = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = cryptoSign('sha256', Buffer.from(input, 'ascii'), cryptoKey(header.alg, privateKey));
  return `${input}.${signature.toString('base64url')}`;
}

/** The header of a compact JWS, unverified: for choosing the key (kid) before verifying. */
export function readJwsHeader(token: string): Record<string, unknown> {
  const dot = token.indexOf('.');
  if (dot < 0 || !SEGMENT.test(token.slice(0, dot))) throw new JwsError('malformed', 'the JWS is not in compact form');
  return decodeJsonObject(token.slice(0, dot), 'header');
}

export function verifyJws(token: string, publicKey: KeyObject, allowed: readonly JwsAlgorithm[]): VerifiedJws {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p)) || parts[0] === '' || parts[1] === '') {
    throw new JwsError('malformed', 'the JWS is not three base64url segments');
  }
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = decodeJsonObject(encodedHeader, 'header');
  const alg = header.alg;
  if (typeof alg !== 'string') throw new JwsError('malformed', 'the JWS header has no alg');
  if (!(allowed as readonly string[]).includes(alg)) throw new JwsError('alg_not_allowed', `alg "${alg.slice(0, 32)}" is not allowed here`);
  const algorithm = alg as JwsAlgorithm;
  if (!keyFits(algorithm, publicKey)) throw new JwsError('alg_not_allowed', `alg ${algorithm} does not fit the verification key`);
  if (header.crit !== undefined) throw new JwsError('crit_unsupported', 'the JWS names critical header extensions we do not understand');
  if (header.b64 !== undefined) throw new JwsError('crit_unsupported', 'unencoded JWS payloads are not supported');

  const signature = Buffer.from(encodedSignature, 'base64url');
  if (algorithm === 'ES256' && signature.length !== ES256_SIGNATURE_BYTES) {
    throw new JwsError('signature_invalid', 'an ES256 signature is 64 bytes');
  }
  const input = Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii');
  let valid: boolean;
  try {
    valid = cryptoVerify('sha256', input, cryptoKey(algorithm, publicKey), signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new JwsError('signature_invalid', 'the JWS signature does not verify with the key');
  // The payload is parsed only once the signature holds: nothing unsigned is ever read.
  const payload = decodeJsonObject(encodedPayload, 'payload');
  return { header: header as JwsHeader, payload };
}

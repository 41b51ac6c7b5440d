/**
 * LaunchGate's own secrets: the deployment secret (encryption at rest) and the key that signs
 * product assertions. The key pair lives in the store, encrypted, so every process of a
 * deployment signs with the same key and publishes the same JWKS.
 *
 * A new store gets a P-256 key (ES256): signing costs a tenth of RSA-2048's, on every launch. A
 * store that already holds an RSA key keeps it and signs RS256, so products that pinned RS256 keep
 * working.
 */
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import type { JWK } from 'jose';
import type { Store } from '../store/port';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Reads LAUNCHGATE_SECRET, or the one generated into DATA_DIR on first start (never in production). */
export function resolveSecret(configured: string | null, dataDir: string): { secret: string; generated: boolean } {
  if (configured !== null) return { secret: configured, generated: false };
  const file = path.join(dataDir, 'launchgate.secret');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return { secret: existing, generated: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    // 'wx' so two processes starting at once keep the first one's secret.
    fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return { secret, generated: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { secret: fs.readFileSync(file, 'utf8').trim(), generated: false };
  }
}

function keyFrom(secret: string, purpose: string): Buffer {
  return createHash('sha256').update(`launchgate:${purpose}:`).update(secret).digest();
}

/** AES-256-GCM; the output is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function encryptWithSecret(secret: string, purpose: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret, purpose), iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

export function decryptWithSecret(secret: string, purpose: string, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('sealed value has an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret, purpose), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** The JWS algorithms an assertion may be signed with: the stored key's type decides. */
export type AssertionAlgorithm = 'ES256' | 'RS256';

export interface SigningKeys {
  kid: string;
  alg: AssertionAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
}

const SIGNING_KEY_SETTING = 'assertion-signing-key';

export async function loadSigningKeys(store: Store, secret: string): Promise<SigningKeys> {
  let sealed = await store.getSetting(SIGNING_KEY_SETTING);
  if (sealed === null) {
    const { privateKey } = await generateKeyPairAsync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    // Two processes may both generate; the store keeps the first and both use it.
    sealed = await store.getOrSetSetting(SIGNING_KEY_SETTING, encryptWithSecret(secret, SIGNING_KEY_SETTING, pem));
  }
  let pem: string;
  try {
    pem = decryptWithSecret(secret, SIGNING_KEY_SETTING, sealed);
  } catch {
    throw new Error('the stored signing key cannot be decrypted: LAUNCHGATE_SECRET differs from the one it was created with');
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
    const kid = createHash('sha256').update(`${jwk.crv}.${jwk.x}.${jwk.y}`).digest('base64url').slice(0, 16);
    return { kid, alg: 'ES256', privateKey, publicKey, publicJwk: { ...jwk, kid, alg: 'ES256', use: 'sig' } };
  }
  if (jwk.kty === 'RSA') {
    const kid = createHash('sha256').update(`${jwk.n}.${jwk.e}`).digest('base64url').slice(0, 16);
    return { kid, alg: 'RS256', privateKey, publicKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
  }
  throw new Error(`the stored signing key is of an unsupported type (${String(jwk.kty)}${jwk.crv ? ` ${jwk.crv}` : ''})`);
}

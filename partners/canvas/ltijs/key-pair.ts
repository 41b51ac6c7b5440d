/**
 * ltijs makes a 4096-bit RSA key pair for every platform it registers (and for LaunchGate's default
 * tool key) with `generateKeyPairSync`: about a second with the event loop blocked, on a route
 * anyone can call (/lti/register). This is the same function with the key generated on libuv's
 * thread pool: the same key size, PEM encodings, kid choice and rows, so ltijs reads the keys it
 * finds exactly as it would have read its own (Utils/Auth.js `generatePlatformKeyPair`).
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { LtijsDatabase } from 'ltijs';

const generateKeyPairAsync = promisify(generateKeyPair);

export async function generatePlatformKeyPair(encryptionKey: string, database: LtijsDatabase, platformUrl: string, clientId: string): Promise<string> {
  let kid = randomBytes(16).toString('hex');
  while (await database.Get(false, 'publickey', { kid })) kid = randomBytes(16).toString('hex');
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 4096,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const index = { kid, platformUrl, clientId };
  await database.Replace(encryptionKey, 'publickey', { platformUrl, clientId }, { key: publicKey, kid }, index);
  await database.Replace(encryptionKey, 'privatekey', { platformUrl, clientId }, { key: privateKey, kid }, index);
  return kid;
}

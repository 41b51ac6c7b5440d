/**
 * ltijs's tool key pairs, made without blocking the event loop (ltijs itself uses
 * generateKeyPairSync: about a second per registration during which no launch is answered).
 */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { LtijsDatabase, LtijsDocument, LtijsQuery } from 'ltijs';
import { generatePlatformKeyPair } from '../ltijs/key-pair';

/** Records what ltijs's storage is asked to do; Get finds nothing. */
function recordingDatabase(): { database: LtijsDatabase; replaced: Array<{ key: string | false; collection: string; query: LtijsQuery; item: LtijsDocument; index?: LtijsQuery }> } {
  const replaced: Array<{ key: string | false; collection: string; query: LtijsQuery; item: LtijsDocument; index?: LtijsQuery }> = [];
  return {
    replaced,
    database: {
      setup: async () => true,
      Close: async () => true,
      Get: async () => false,
      Insert: async () => true,
      Replace: async (key, collection, query, item, index) => {
        replaced.push({ key, collection, query, item, index });
        return true;
      },
      Modify: async () => true,
      Delete: async () => true,
    },
  };
}

describe('Canvas: ltijs tool key pairs', function () {
  it('are generated off the event loop: timers keep firing while a 4096-bit key is made', async () => {
    const { database } = recordingDatabase();
    let last = Date.now();
    let longestGap = 0;
    const timer = setInterval(() => {
      const now = Date.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    try {
      await generatePlatformKeyPair('encryption-key', database, 'https://canvas.example', '1000');
    } finally {
      clearInterval(timer);
    }
    // generateKeyPairSync(4096) holds the loop for roughly a second (several on a busy machine).
    assert.ok(longestGap < 250, `the event loop was blocked for ${longestGap} ms`);
  });

  it('are stored exactly as ltijs stores its own: encrypted PEM rows under one kid, keyed by platform and client id', async () => {
    const { database, replaced } = recordingDatabase();
    const kid = await generatePlatformKeyPair('encryption-key', database, 'https://canvas.example', '1000');
    assert.match(kid, /^[0-9a-f]{32}$/);
    assert.deepEqual(
      replaced.map((r) => [r.key, r.collection, r.query, r.index]),
      [
        ['encryption-key', 'publickey', { platformUrl: 'https://canvas.example', clientId: '1000' }, { kid, platformUrl: 'https://canvas.example', clientId: '1000' }],
        ['encryption-key', 'privatekey', { platformUrl: 'https://canvas.example', clientId: '1000' }, { kid, platformUrl: 'https://canvas.example', clientId: '1000' }],
      ],
    );
    const [pub, priv] = replaced.map((r) => r.item as { key: string; kid: string });
    assert.equal(pub!.kid, kid);
    assert.match(pub!.key, /^-----BEGIN PUBLIC KEY-----/);
    assert.match(priv!.key, /^-----BEGIN RSA PRIVATE KEY-----/, 'pkcs1, as ltijs signs with it');
    assert.equal(createPublicKey(pub!.key).asymmetricKeyDetails?.modulusLength, 4096);
    assert.deepEqual(createPublicKey(createPrivateKey(priv!.key)).export({ format: 'jwk' }), createPublicKey(pub!.key).export({ format: 'jwk' }));
  });
});

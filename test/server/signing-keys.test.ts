/** The assertion signing key: ES256 on a new store, RS256 kept for a store that holds an RSA key. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from 'jose';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite';
import { ASSERTION_TYPE, signAssertion, verifyAssertion, type AssertionClaims } from '../../src/server/handoff';
import { encryptWithSecret, loadSigningKeys } from '../../src/server/secrets';

const SECRET = 'signing-key-test-secret-0123456789abcdefghijkl';
const ISSUER = 'https://launchgate.example';

const claims: AssertionClaims = {
  sub: 'user-1',
  email: 'ada@school.example',
  name: 'Ada Lovelace',
  given_name: 'Ada',
  family_name: 'Lovelace',
  roles: ['student'],
  partner: 'clever',
  product: 'studio',
  directory: 'dir-1',
  organization: 'org-1',
  access: 'user_created',
};

describe('assertion signing keys', function () {
  let store: SqliteStore;
  beforeEach(async () => {
    store = openSqliteStore({ file: ':memory:' });
    await store.init();
  });
  afterEach(async () => store.close());

  it('a new store gets a P-256 key: ES256 assertions a product verifies with the published JWK', async () => {
    const keys = await loadSigningKeys(store, SECRET);
    assert.deepEqual([keys.alg, keys.publicJwk.kty, keys.publicJwk.crv, keys.publicJwk.alg], ['ES256', 'EC', 'P-256', 'ES256']);
    assert.equal(keys.publicJwk.d, undefined);
    const token = await signAssertion(keys, ISSUER, claims, new Date());
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES256', kid: keys.kid, typ: ASSERTION_TYPE });
    const { payload } = await jwtVerify(token, await importJWK(keys.publicJwk, 'ES256'), { issuer: ISSUER, audience: 'studio', algorithms: ['ES256'] });
    assert.equal(payload.sub, 'user-1');
  });

  it('every process of a deployment loads the same key, sealed in the store with the secret', async () => {
    const first = await loadSigningKeys(store, SECRET);
    const second = await loadSigningKeys(store, SECRET);
    assert.equal(second.kid, first.kid);
    assert.doesNotMatch((await store.getSetting('assertion-signing-key'))!, /PRIVATE KEY/);
    await assert.rejects(loadSigningKeys(store, 'another-secret-0123456789abcdefghijklmnop'), /cannot be decrypted/);
  });

  it('a store that already holds an RSA key keeps it and signs RS256, so products that pinned RS256 keep working', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    await store.setSetting('assertion-signing-key', encryptWithSecret(SECRET, 'assertion-signing-key', pem));
    const keys = await loadSigningKeys(store, SECRET);
    assert.deepEqual([keys.alg, keys.publicJwk.kty, keys.publicJwk.alg], ['RS256', 'RSA', 'RS256']);
    const token = await signAssertion(keys, ISSUER, claims, new Date());
    assert.equal(decodeProtectedHeader(token).alg, 'RS256');
    assert.equal((await verifyAssertion(keys, ISSUER, 'studio', token, new Date())).sub, 'user-1');
  });

  it('the product check refuses an assertion signed with a key or algorithm other than LaunchGate’s', async () => {
    const keys = await loadSigningKeys(store, SECRET);
    const { privateKey: stranger } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: ASSERTION_TYPE })
      .setIssuer(ISSUER)
      .setAudience('studio')
      .setIssuedAt()
      .setExpirationTime('60s')
      .setJti('j-1')
      .sign(stranger);
    await assert.rejects(verifyAssertion(keys, ISSUER, 'studio', forged, new Date()));
    const [, body] = (await signAssertion(keys, ISSUER, claims, new Date())).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: ASSERTION_TYPE })).toString('base64url')}.${body}.`;
    await assert.rejects(verifyAssertion(keys, ISSUER, 'studio', none, new Date()));
  });

  it('the product check refuses an assertion for another product, from another issuer, of another type, expired or from the future', async () => {
    const keys = await loadSigningKeys(store, SECRET);
    const issuedAt = new Date('2026-09-01T08:00:00Z');
    const token = await signAssertion(keys, ISSUER, claims, issuedAt);
    const at = (seconds: number) => new Date(issuedAt.getTime() + seconds * 1000);
    assert.equal((await verifyAssertion(keys, ISSUER, 'studio', token, at(30))).sub, 'user-1');
    await assert.rejects(verifyAssertion(keys, ISSUER, 'other-product', token, at(1)), /another product/);
    await assert.rejects(verifyAssertion(keys, 'https://elsewhere.example', 'studio', token, at(1)), /another issuer/);
    await assert.rejects(verifyAssertion(keys, ISSUER, 'studio', token, at(66)), /expired|too old/);
    await assert.rejects(verifyAssertion(keys, ISSUER, 'studio', token, at(-30)), /future/);
    const untyped = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: keys.kid })
      .setIssuer(ISSUER)
      .setAudience('studio')
      .setIssuedAt()
      .setExpirationTime('60s')
      .setJti('j-2')
      .sign(keys.privateKey);
    await assert.rejects(verifyAssertion(keys, ISSUER, 'studio', untyped, new Date()), /wrong typ/);
  });
});

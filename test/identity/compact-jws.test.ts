import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { compactVerify, exportJWK, importJWK, SignJWT } from 'jose';
import { JwsError, readJwsHeader, signJws, verifyJws, type JwsErrorCode } from '../../src/identity/compact-jws';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const strangerEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const payload = { sub: 'student-1', aud: 'client-1', nested: { roles: ['Learner'] } };

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function refusedWith(code: JwsErrorCode, run: () => unknown): void {
  assert.throws(run, (err: unknown) => err instanceof JwsError && err.code === code);
}

describe('compact JWS (RS256, ES256 on node:crypto)', () => {
  it('what it signs, jose verifies, and what jose signs, it verifies (RS256 and ES256)', async () => {
    for (const [alg, pair] of [['RS256', rsa], ['ES256', ec]] as const) {
      const token = signJws({ alg, kid: 'k1', typ: 'JWT' }, payload, pair.privateKey);
      const jwk = await importJWK({ ...(await exportJWK(pair.publicKey)) }, alg);
      const { payload: bytes, protectedHeader } = await compactVerify(token, jwk, { algorithms: [alg] });
      assert.deepEqual(JSON.parse(Buffer.from(bytes).toString('utf8')), payload);
      assert.deepEqual(protectedHeader, { alg, kid: 'k1', typ: 'JWT' });

      const fromJose = await new SignJWT(payload).setProtectedHeader({ alg, kid: 'k2' }).sign(pair.privateKey);
      const verified = verifyJws(fromJose, pair.publicKey, [alg]);
      assert.deepEqual(verified.payload, payload);
      assert.equal(verified.header.kid, 'k2');
    }
  });

  it('refuses a token whose payload was changed after signing', () => {
    const [h, , s] = signJws({ alg: 'RS256' }, payload, rsa.privateKey).split('.');
    refusedWith('signature_invalid', () => verifyJws(`${h}.${b64({ ...payload, sub: 'teacher-1' })}.${s}`, rsa.publicKey, ['RS256']));
  });

  it('refuses alg none, even with the signature left empty', () => {
    const token = `${b64({ alg: 'none' })}.${b64(payload)}.`;
    refusedWith('alg_not_allowed', () => verifyJws(token, rsa.publicKey, ['RS256']));
  });

  it('refuses HS256 keyed with the public key (algorithm confusion)', () => {
    const pem = rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const input = `${b64({ alg: 'HS256' })}.${b64(payload)}`;
    const token = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
    refusedWith('alg_not_allowed', () => verifyJws(token, rsa.publicKey, ['RS256']));
  });

  it('refuses an allowed alg that does not fit the key (ES256 header against an RSA key)', () => {
    const token = signJws({ alg: 'ES256' }, payload, ec.privateKey);
    refusedWith('alg_not_allowed', () => verifyJws(token, rsa.publicKey, ['RS256', 'ES256']));
  });

  it('refuses RSA keys under 2048 bits, for signing and verifying', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    refusedWith('alg_not_allowed', () => signJws({ alg: 'RS256' }, payload, weak.privateKey));
    const input = `${b64({ alg: 'RS256' })}.${b64(payload)}`;
    const token = `${input}.${cryptoSign('sha256', Buffer.from(input), weak.privateKey).toString('base64url')}`;
    refusedWith('alg_not_allowed', () => verifyJws(token, weak.publicKey, ['RS256']));
  });

  it('refuses a signature by another key of the right type', () => {
    const token = signJws({ alg: 'ES256' }, payload, strangerEc.privateKey);
    refusedWith('signature_invalid', () => verifyJws(token, ec.publicKey, ['ES256']));
  });

  it('refuses an ES256 signature in DER form instead of r‖s', () => {
    const input = `${b64({ alg: 'ES256' })}.${b64(payload)}`;
    const der = cryptoSign('sha256', Buffer.from(input), ec.privateKey);
    refusedWith('signature_invalid', () => verifyJws(`${input}.${der.toString('base64url')}`, ec.publicKey, ['ES256']));
  });

  it('refuses critical extensions and unencoded payloads it does not understand', () => {
    for (const extra of [{ crit: ['exp'], exp: 1 }, { b64: false, crit: ['b64'] }, { b64: true }]) {
      const token = signJws({ alg: 'RS256', ...extra }, payload, rsa.privateKey);
      refusedWith('crit_unsupported', () => verifyJws(token, rsa.publicKey, ['RS256']));
    }
  });

  it('refuses malformed tokens: segment count, characters outside base64url, padding, non-object JSON', () => {
    const good = signJws({ alg: 'RS256' }, payload, rsa.privateKey);
    const [h, p, s] = good.split('.') as [string, string, string];
    const cases = [
      `${h}.${p}`,
      `${h}.${p}.${s}.x`,
      `${h}.${p}+.${s}`,
      `${h}=.${p}.${s}`,
      `.${p}.${s}`,
      `${b64('[1]')}.${p}.${s}`,
      `${b64({ kid: 'no-alg' })}.${p}.${s}`,
      `${b64('not json')}.${p}.${s}`,
    ];
    for (const token of cases) refusedWith('malformed', () => verifyJws(token, rsa.publicKey, ['RS256']));
  });

  it('reads no payload it has not verified: a signed non-object payload is refused only after the signature holds', () => {
    const input = `${b64({ alg: 'RS256' })}.${b64('"a string"')}`;
    const signed = `${input}.${cryptoSign('sha256', Buffer.from(input), rsa.privateKey).toString('base64url')}`;
    refusedWith('malformed', () => verifyJws(signed, rsa.publicKey, ['RS256']));
    const otherKey = createPublicKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    refusedWith('signature_invalid', () => verifyJws(signed, otherKey, ['RS256']));
  });

  it('reads the header of a compact token for key selection, and refuses one that is not JSON', () => {
    assert.deepEqual(readJwsHeader(signJws({ alg: 'RS256', kid: 'k9' }, payload, rsa.privateKey)), { alg: 'RS256', kid: 'k9' });
    refusedWith('malformed', () => readJwsHeader('bm90IGpzb24.e30.'));
    refusedWith('malformed', () => readJwsHeader('no-dots-at-all'));
  });
});

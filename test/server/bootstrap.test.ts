/**
 * What start-up does about access and secrets: the operator token (generated once and printed
 * once, or taken from LAUNCHGATE_ADMIN_TOKEN, rotated when the variable changes) and the
 * deployment secret (generated into DATA_DIR, owner-only, never in production).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { authenticateBearer, hashToken } from '../../src/admin/auth';
import { AdminError } from '../../src/admin/services/errors';
import { BOOTSTRAP_SETTING, ensureOperatorToken, ENV_TOKEN_NAME, RevokedAdminTokenError } from '../../src/server/bootstrap';
import { ConfigError, loadConfig } from '../../src/server/config';
import { resolveSecret } from '../../src/server/secrets';
import type { Store } from '../../src/store/port';
import { openSqliteStore } from '../../src/store/sqlite';

async function adminEvents(store: Store) {
  return (await store.listAudit({ kind: 'admin' }, { limit: 50, offset: 0 })).items.reverse();
}

describe('ensureOperatorToken', () => {
  let store: Store;
  beforeEach(async () => {
    store = openSqliteStore({ file: ':memory:' });
    await store.init();
  });
  afterEach(() => store.close());

  describe('without LAUNCHGATE_ADMIN_TOKEN', () => {
    it('generates one operator token on the first start, prints it once, and keeps only its hash', async () => {
      const first = await ensureOperatorToken(store, null);
      assert.match(first.printOnce ?? '', /^lg_[A-Za-z0-9_-]{43}$/);
      const second = await ensureOperatorToken(store, null);
      assert.equal(second.printOnce, null, 'a restart prints nothing');
      const tokens = await store.listApiTokens({ orgId: null });
      assert.equal(tokens.length, 1);
      assert.equal(tokens[0]!.role, 'operator');
      assert.equal(tokens[0]!.tokenHash, hashToken(first.printOnce!));
      assert.ok(!JSON.stringify(tokens).includes(first.printOnce!), 'the token itself is stored nowhere');
      assert.equal(await store.getSetting(BOOTSTRAP_SETTING), hashToken(first.printOnce!));
      const events = await adminEvents(store);
      assert.deepEqual(events.map((e) => [e.reason, e.actor, e.detail?.tokenId]), [['api_token.created', 'bootstrap', tokens[0]!.id]]);
    });

    it('of two processes starting at once, exactly one prints a token, and only that one is valid', async () => {
      const results = await Promise.all([ensureOperatorToken(store, null), ensureOperatorToken(store, null), ensureOperatorToken(store, null)]);
      const printed = results.map((r) => r.printOnce).filter((t): t is string => t !== null);
      assert.equal(printed.length, 1);
      const active = (await store.listApiTokens({ orgId: null })).filter((t) => t.revokedAt === null);
      assert.deepEqual(active.map((t) => t.tokenHash), [hashToken(printed[0]!)]);
      assert.equal((await adminEvents(store)).filter((e) => e.reason === 'api_token.created').length, 1);
    });

    it('a start that crashed after writing the token row but before the setting makes a fresh one next time', async () => {
      // The state such a crash leaves: a row whose token nobody ever saw, and no setting.
      await store.createApiToken({ name: 'bootstrap operator token', role: 'operator', orgId: null, tokenHash: hashToken('lg_never_shown') });
      const next = await ensureOperatorToken(store, null);
      assert.ok(next.printOnce, 'an operator can still get in');
      assert.ok(await store.findApiTokenByHash(hashToken(next.printOnce!)));
    });
  });

  describe('with LAUNCHGATE_ADMIN_TOKEN', () => {
    it('stores the configured token hashed, once, and records it', async () => {
      assert.deepEqual(await ensureOperatorToken(store, 'lg_configured_one'), { printOnce: null });
      assert.deepEqual(await ensureOperatorToken(store, 'lg_configured_one'), { printOnce: null });
      const tokens = await store.listApiTokens({ orgId: null });
      assert.equal(tokens.length, 1);
      assert.equal(tokens[0]!.name, ENV_TOKEN_NAME);
      assert.equal(tokens[0]!.tokenHash, hashToken('lg_configured_one'));
      assert.deepEqual((await adminEvents(store)).map((e) => e.reason), ['api_token.created']);
    });

    it('revokes the previous value’s token when the variable changes, and audits both', async () => {
      const at = new Date('2026-02-01T10:00:00Z');
      await ensureOperatorToken(store, 'lg_old_value', { now: () => at });
      await ensureOperatorToken(store, 'lg_new_value', { now: () => at });
      const oldToken = await store.findApiTokenByHash(hashToken('lg_old_value'));
      const newToken = await store.findApiTokenByHash(hashToken('lg_new_value'));
      assert.deepEqual(oldToken?.revokedAt, at);
      assert.equal(newToken?.revokedAt, null);
      const events = await adminEvents(store);
      assert.deepEqual(
        events.map((e) => [e.reason, e.detail?.tokenId]),
        [
          ['api_token.created', oldToken!.id],
          ['api_token.created', newToken!.id],
          ['api_token.revoked', oldToken!.id],
        ],
      );
      assert.ok(events.every((e) => e.actor === 'bootstrap' && e.orgId === null));
    });

    it('refuses to start with a value that was revoked, rather than reviving it', async () => {
      await ensureOperatorToken(store, 'lg_old_value');
      await ensureOperatorToken(store, 'lg_new_value');
      await assert.rejects(ensureOperatorToken(store, 'lg_old_value'), RevokedAdminTokenError);
      assert.equal((await store.findApiTokenByHash(hashToken('lg_old_value')))?.revokedAt instanceof Date, true);
    });

    it('leaves other operator tokens alone: the generated one and those made through the API', async () => {
      const generated = await ensureOperatorToken(store, null);
      await store.createApiToken({ name: 'CI deploys', role: 'operator', orgId: null, tokenHash: hashToken('lg_ci') });
      await ensureOperatorToken(store, 'lg_first');
      await ensureOperatorToken(store, 'lg_second');
      assert.equal((await store.findApiTokenByHash(hashToken(generated.printOnce!)))?.revokedAt, null);
      assert.equal((await store.findApiTokenByHash(hashToken('lg_ci')))?.revokedAt, null);
    });

    it('unsetting the variable revokes the token its value made: it no longer authenticates, and the revocation is audited', async () => {
      const at = new Date('2026-02-01T10:00:00Z');
      const auth = (token: string) => authenticateBearer(store, `Bearer ${token}`, { now: () => at });
      await ensureOperatorToken(store, 'lg_env_value', { now: () => at });
      assert.equal((await auth('lg_env_value')).kind, 'operator');

      const restart = await ensureOperatorToken(store, null, { now: () => at });
      await assert.rejects(auth('lg_env_value'), (err: unknown) => err instanceof AdminError && err.code === 'unauthorized');
      const oldToken = await store.findApiTokenByHash(hashToken('lg_env_value'));
      assert.deepEqual(oldToken?.revokedAt, at);
      assert.ok(restart.printOnce, 'the first start without the variable prints a generated token');
      assert.equal((await auth(restart.printOnce!)).kind, 'operator', 'so an operator can still get in');
      const revoked = (await adminEvents(store)).filter((e) => e.reason === 'api_token.revoked');
      assert.deepEqual(revoked.map((e) => [e.actor, e.detail?.tokenId, e.detail?.why]), [['bootstrap', oldToken!.id, 'LAUNCHGATE_ADMIN_TOKEN unset']]);

      await ensureOperatorToken(store, null, { now: () => at });
      assert.equal((await adminEvents(store)).filter((e) => e.reason === 'api_token.revoked').length, 1, 'a later start revokes nothing more');
    });

    it('two processes starting with the same new value agree on one token and one revocation', async () => {
      await ensureOperatorToken(store, 'lg_old_value');
      await Promise.all([ensureOperatorToken(store, 'lg_new_value'), ensureOperatorToken(store, 'lg_new_value')]);
      const tokens = await store.listApiTokens({ orgId: null });
      assert.equal(tokens.filter((t) => t.tokenHash === hashToken('lg_new_value')).length, 1);
      const events = await adminEvents(store);
      assert.equal(events.filter((e) => e.reason === 'api_token.revoked').length, 1);
      assert.equal(events.filter((e) => e.reason === 'api_token.created').length, 2);
    });
  });
});

describe('resolveSecret', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-secret-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('uses LAUNCHGATE_SECRET when it is set, and writes nothing', () => {
    const configured = 'x'.repeat(40);
    assert.deepEqual(resolveSecret(configured, dataDir), { secret: configured, generated: false });
    assert.deepEqual(fs.readdirSync(dataDir), []);
  });

  it('generates one into DATA_DIR readable by the owner only, and reuses it on the next start', () => {
    const nested = path.join(dataDir, 'not-yet-there');
    const first = resolveSecret(null, nested);
    assert.equal(first.generated, true);
    assert.ok(first.secret.length >= 32);
    const file = path.join(nested, 'launchgate.secret');
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(file, 'utf8').trim(), first.secret);
    assert.deepEqual(resolveSecret(null, nested), { secret: first.secret, generated: false });
  });

  it('is refused in production when LAUNCHGATE_SECRET is unset, before anything is generated', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://launchgate.example', DATA_DIR: dataDir }, dataDir),
      (err: unknown) => err instanceof ConfigError && /LAUNCHGATE_SECRET/.test(err.message),
    );
    assert.deepEqual(fs.readdirSync(dataDir), []);
  });
});

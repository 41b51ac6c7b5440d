import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreConflictError, StoreUnavailableError } from '../../src/store/errors';
import type { Directory, Organization } from '../../src/store/model';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite';
import { MIGRATIONS } from '../../src/store/sqlite/schema';
import { describeStoreContract } from './contract';
import type { RaceOrder, RaceReport } from './fixtures/race-protocol';
import { runRace } from './fixtures/race-protocol';

describe('SQLite store', function () {
  let tmp: string | undefined;
  const freshFile = (): string => {
    tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-store-'));
    return path.join(tmp, `${randomUUID()}.sqlite`);
  };
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  describeStoreContract('SQLite', async ({ now }) => openSqliteStore({ file: freshFile(), now }));

  describe('SQLite only', function () {
    const opened: SqliteStore[] = [];
    const open = async (file: string): Promise<SqliteStore> => {
      const store = openSqliteStore({ file });
      opened.push(store);
      await store.init();
      return store;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    async function seed(store: SqliteStore, users: number, seats: number) {
      const org: Organization = await store.createOrganization({ name: 'Race' });
      const dir: Directory = await store.createDirectory({ orgId: org.id, name: 'Main', jitEnabled: true });
      await store.setEntitlement(org.id, 'studio', seats);
      const userIds: string[] = [];
      for (let i = 0; i < users; i++) {
        const r = await store.createUser({
          orgId: org.id,
          directoryId: dir.id,
          email: `u${i}@school.example`,
          givenName: null,
          familyName: null,
          displayName: null,
          roles: ['student'],
          rawRoles: [],
          createdBy: 'jit',
          lastLaunchAt: null,
        });
        userIds.push(r.user.id);
      }
      const nonceKeys = Array.from({ length: 200 }, (_, i) => `n${i}`);
      const exp = new Date(Date.now() + 600_000);
      for (const key of nonceKeys) await store.ephemeral.put('nonce', key, `value-${key}`, exp);
      return { org, dir, userIds, nonceKeys };
    }

    it('runs with WAL, foreign keys, a busy timeout and synchronous=NORMAL', async () => {
      const store = await open(freshFile());
      const db = store.database;
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      assert.ok(Number(db.pragma('busy_timeout', { simple: true })) >= 1000);
      assert.equal(db.pragma('synchronous', { simple: true }), 1);
    });

    it('applies each migration once, however many instances initialize the file', async () => {
      const file = freshFile();
      const a = await open(file);
      const b = await open(file);
      await a.init();
      await b.init();
      const rows = a.database.prepare('SELECT version, count(*) AS n FROM schema_migrations GROUP BY version').all() as {
        version: number;
        n: number;
      }[];
      assert.ok(rows.length >= 1);
      assert.ok(rows.every((r) => r.n === 1));
      // Data written by one instance is seen by the other.
      const org = await a.createOrganization({ name: 'Shared' });
      assert.equal((await b.getOrganization(org.id))?.name, 'Shared');
    });

    it('migration 5 keeps the domain claims of an older file, with their config-generation triggers', async () => {
      const file = freshFile();
      const old = new Database(file);
      old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
      for (const m of MIGRATIONS.filter((m) => m.version <= 4)) {
        old.exec(m.sql);
        old.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      }
      old.exec(`INSERT INTO organizations (id, name, created_at) VALUES ('o1', 'Old', 1), ('o2', 'Other', 1);
        INSERT INTO directories (id, org_id, name, jit_enabled, created_at, updated_at) VALUES ('d1', 'o1', 'Main', 1, 1, 1), ('d2', 'o2', 'Main', 1, 1, 1);
        INSERT INTO domains (id, org_id, directory_id, name, status, verification_token, verified_at, verified_by, created_at)
          VALUES ('m1', 'o1', 'd1', 'old.example', 'verified', 't', 5, 'dns', 1), ('m2', 'o1', 'd1', 'pending.example', 'pending', 't', NULL, NULL, 1);`);
      old.close();

      const store = await open(file);
      assert.equal((await store.getDomain('m1'))?.verifiedBy, 'dns');
      assert.equal((await store.findDomainByName('old.example'))?.id, 'm1');
      const generation = (): number => store.database.prepare('SELECT value FROM config_generation').pluck().get() as number;
      const before = generation();
      // The old claim of a pending name no longer blocks another district's.
      const other = await store.claimDomain({ orgId: 'o2', directoryId: 'd2', name: 'pending.example', verificationToken: 'x' });
      assert.ok(generation() > before, 'a domain change still bumps the configuration generation');
      await assert.rejects(store.claimDomain({ orgId: 'o2', directoryId: 'd2', name: 'old.example', verificationToken: 'x' }), (e: unknown) => e instanceof StoreConflictError && e.code === 'domain_taken');
      assert.deepEqual((await store.markDomainVerified(other.id, 'operator', new Date()))?.removed.map((d) => d.id), ['m2']);
    });

    it('refuses to rewrite or delete audit events, even through raw SQL', async () => {
      const store = await open(freshFile());
      const e = await store.appendAudit({
        time: new Date(),
        kind: 'launch',
        orgId: null,
        directoryId: null,
        connectionId: null,
        partner: null,
        subject: null,
        email: null,
        userId: null,
        productId: null,
        decision: 'refused',
        reason: 'no_seats',
        requestId: null,
        actor: null,
        detail: null,
      });
      assert.throws(() => store.database.prepare("UPDATE audit_events SET decision = 'allowed'").run(), /append-only/);
      assert.throws(() => store.database.prepare('DELETE FROM audit_events').run(), /append-only/);
      assert.equal((await store.getAuditEvent(e.id))?.decision, 'refused');
    });

    it('searches names with non-ASCII letters case-insensitively', async () => {
      const store = await open(freshFile());
      const { org, dir } = await seed(store, 0, 1);
      const u = await store.createUser({
        orgId: org.id,
        directoryId: dir.id,
        email: null,
        givenName: 'Åsa',
        familyName: 'Ölander',
        displayName: null,
        roles: [],
        rawRoles: [],
        createdBy: 'admin',
        lastLaunchAt: null,
      });
      const found = await store.listUsers({ search: 'öLAN' }, { limit: 10, offset: 0 });
      assert.deepEqual(found.items.map((x) => x.id), [u.user.id]);
    });

    it('fails with StoreUnavailableError, without crashing, once closed', async () => {
      const store = openSqliteStore({ file: ':memory:' });
      await store.init();
      await store.close();
      await store.close();
      await assert.rejects(store.ping(), StoreUnavailableError);
      await assert.rejects(store.getOrganization('x'), StoreUnavailableError);
    });

    it('two store instances on one file race for 40 seats and 200 nonces with exact counts', async () => {
      const file = freshFile();
      const a = await open(file);
      const b = await open(file);
      const { org, dir, userIds, nonceKeys } = await seed(a, 150, 40);
      const licenses = await Promise.all(
        userIds.map((userId, i) =>
          (i % 2 === 0 ? a : b).assignLicense({ userId, orgId: org.id, directoryId: dir.id, productId: 'studio', source: 'jit' }),
        ),
      );
      assert.equal(licenses.filter((r) => r.outcome === 'assigned').length, 40);
      assert.equal(licenses.filter((r) => r.outcome === 'no_seats').length, 110);
      assert.equal(await b.countLicenses(org.id, 'studio'), 40);

      const consumed = await Promise.all(
        nonceKeys.flatMap((key) => [a.ephemeral.consume('nonce', key), b.ephemeral.consume('nonce', key)]),
      );
      const values = consumed.filter((v) => v !== null);
      assert.equal(values.length, nonceKeys.length);
      assert.equal(new Set(values).size, nonceKeys.length);
    });

    it('two processes on one file race for 40 seats and 200 nonces with exact counts', async function () {
      const file = freshFile();
      const parent = await open(file);
      const { org, dir, userIds, nonceKeys } = await seed(parent, 150, 40);

      const child = fork(path.join(__dirname, 'fixtures', 'race-child.ts'), [file], {
        execArgv: ['--require', require.resolve('tsx/cjs')],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const messages: unknown[] = [];
      const childDone = new Promise<RaceReport>((resolve, reject) => {
        child.on('message', (m) => {
          messages.push(m);
          if (m !== 'ready') resolve(m as RaceReport);
        });
        child.on('error', reject);
        child.on('exit', (code) => reject(new Error(`race child exited (${String(code)}) before reporting`)));
      });
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        childDone.catch(reject);
      });

      const order: RaceOrder = {
        orgId: org.id,
        directoryId: dir.id,
        productId: 'studio',
        nonceKeys,
        startAt: Date.now() + 50,
        child: { userIds: userIds.filter((_, i) => i % 2 === 1) },
      };
      child.send(order);
      const [mine, theirs] = await Promise.all([runRace(parent, order, { userIds: userIds.filter((_, i) => i % 2 === 0) }), childDone]);

      const outcomes = [...mine.outcomes, ...theirs.outcomes];
      assert.equal(outcomes.length, 150);
      assert.equal(outcomes.filter((o) => o === 'assigned').length, 40);
      assert.equal(outcomes.filter((o) => o === 'no_seats').length, 110);
      assert.equal(await parent.countLicenses(org.id, 'studio'), 40);

      const consumed = [...mine.consumed, ...theirs.consumed];
      assert.equal(consumed.length, nonceKeys.length, 'every nonce consumed by exactly one process');
      assert.equal(new Set(consumed).size, nonceKeys.length);
    });
  });
});

/** Group commit: one transaction per event-loop turn, each write told "done" only once committed. */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { StoreConflictError } from '../../src/store/errors';
import { sqliteFilePerTest } from '../support/sqlite-file';
import { flushGroupCommits } from '../../src/store/sqlite/group-commit';

// A day ahead: mocha loads every file before it runs any, and the whole suite takes over a minute.
const FUTURE = new Date(Date.now() + 24 * 60 * 60_000);

describe('SQLite group commit', function () {
  const sqlite = sqliteFilePerTest('group');
  const open = () => sqlite.open({ checkpointInWorker: false });

  /** What another process would see: a second connection, reading committed rows only. */
  function committedKeys(): string[] {
    const reader = new Database(sqlite.file, { readonly: true });
    try {
      return (reader.prepare("SELECT key FROM ephemeral WHERE namespace = 'test' ORDER BY key").pluck().all() as string[]);
    } finally {
      reader.close();
    }
  }

  it('writes made in one turn share one commit, and each settles with its own answer', async () => {
    const store = await open();
    const before = { ...store.groupCommitStats };
    const answers = await Promise.all([
      store.ephemeral.putIfAbsent('test', 'a', '1', FUTURE),
      store.ephemeral.putIfAbsent('test', 'a', '2', FUTURE),
      store.ephemeral.putIfAbsent('test', 'b', '3', FUTURE),
      store.ephemeral.consume('test', 'b'),
    ]);
    assert.deepEqual(answers, [true, false, true, '3']);
    assert.equal(store.groupCommitStats.commits - before.commits, 1);
    assert.equal(store.groupCommitStats.writes - before.writes, 4);
    assert.deepEqual(committedKeys(), ['a']);
  });

  it('no write is reported done before another connection can read it', async () => {
    const store = await open();
    let settled = false;
    const put = store.ephemeral.put('test', 'k', 'v', FUTURE).then(() => {
      settled = true;
      return committedKeys();
    });
    // Same turn: this process sees its own write; nobody else does yet, and nobody was told.
    assert.equal(await Promise.resolve(settled), false);
    assert.deepEqual(committedKeys(), []);
    assert.deepEqual(await put, ['k']);
  });

  it('a failing write fails alone; the others of its turn commit', async () => {
    const store = await open();
    const org = await store.createOrganization({ name: 'Group' });
    const directory = await store.createDirectory({ orgId: org.id, name: 'Main', jitEnabled: true });
    const user = {
      orgId: org.id,
      directoryId: directory.id,
      email: 'ada@school.example',
      givenName: null,
      familyName: null,
      displayName: null,
      roles: ['student' as const],
      rawRoles: [],
      createdBy: 'jit' as const,
      lastLaunchAt: null,
    };
    const identity = { connectionId: 'no-such-connection', partner: 'clever' as const, subject: 's-1' };
    const results = await Promise.allSettled([
      store.ephemeral.put('test', 'before', '1', FUTURE),
      store.createUser(user, identity),
      store.ephemeral.put('test', 'after', '1', FUTURE),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(committedKeys(), ['after', 'before']);
    assert.equal((await store.listUsers({ orgId: org.id }, { limit: 10, offset: 0 })).total, 0);
  });

  it('an error that ends the transaction fails every write of the turn: none is reported done, none is kept', async () => {
    const store = await open();
    // RAISE(ROLLBACK) ends the whole transaction, as disk-full or I/O errors do.
    const setup = new Database(sqlite.file);
    setup.exec("CREATE TRIGGER boom BEFORE INSERT ON settings WHEN NEW.name = 'boom' BEGIN SELECT RAISE(ROLLBACK, 'boom'); END");
    setup.close();
    const results = await Promise.allSettled([
      store.ephemeral.put('test', 'doomed', '1', FUTURE),
      store.setSetting('boom', 'x'),
      store.ephemeral.put('test', 'next-turn', '1', FUTURE).then(() => 'later'),
    ]);
    assert.equal(results[0]!.status, 'rejected');
    assert.equal(results[1]!.status, 'rejected');
    // The write after the failure opened a new group of its own, which committed.
    assert.deepEqual(results[2], { status: 'fulfilled', value: 'later' });
    assert.deepEqual(committedKeys(), ['next-turn']);
  });

  it('a unique-key conflict inside a turn is the store’s conflict error, and the first of the two commits', async () => {
    const store = await open();
    const [first, second] = await Promise.allSettled([
      store.createApiToken({ name: 'a', role: 'operator', orgId: null, tokenHash: 'same-hash' }),
      store.createApiToken({ name: 'b', role: 'operator', orgId: null, tokenHash: 'same-hash' }),
    ]);
    assert.equal(first.status, 'fulfilled');
    assert.equal(second.status, 'rejected');
    assert.ok((second as PromiseRejectedResult).reason instanceof StoreConflictError);
    assert.equal((await store.findApiTokenByHash('same-hash'))?.name, 'a');
  });

  it('two stores on one file in one process write in the same turn without waiting out the busy timeout', async () => {
    const a = await open();
    const b = await open();
    const started = Date.now();
    await Promise.all([a.ephemeral.put('test', 'from-a', '1', FUTURE), b.ephemeral.put('test', 'from-b', '1', FUTURE), a.ephemeral.put('test', 'from-a2', '1', FUTURE)]);
    assert.ok(Date.now() - started < 1_000, `took ${Date.now() - started} ms`);
    assert.deepEqual(committedKeys(), ['from-a', 'from-a2', 'from-b']);
  });

  it('another connection of this process writes at once after flushGroupCommits (as ltijs’s plugin does)', async () => {
    const store = await open();
    const pending = store.ephemeral.put('test', 'store', '1', FUTURE);
    const other = new Database(sqlite.file, { timeout: 0 });
    try {
      assert.throws(() => other.prepare("INSERT INTO settings (name, value) VALUES ('x', 'y')").run(), /locked|busy/i);
      flushGroupCommits(sqlite.file);
      other.prepare("INSERT INTO settings (name, value) VALUES ('x', 'y')").run();
    } finally {
      other.close();
    }
    await pending;
    assert.equal(await store.getSetting('x'), 'y');
  });

  it('closing the store commits the writes of the turn first', async () => {
    const store = await open();
    const pending = store.ephemeral.put('test', 'last', '1', FUTURE);
    await store.close();
    await pending;
    assert.deepEqual(committedKeys(), ['last']);
  });

  it('with grouping off (several server processes on the file) each write commits on its own, at once', async () => {
    const store = await sqlite.open({ checkpointInWorker: false, groupCommit: false });
    const before = { ...store.groupCommitStats };
    const put = store.ephemeral.put('test', 'alone', '1', FUTURE);
    assert.deepEqual(committedKeys(), ['alone']);
    await Promise.all([put, store.ephemeral.put('test', 'second', '1', FUTURE)]);
    assert.equal(store.groupCommitStats.commits - before.commits, 2);
  });
});

/**
 * The sandbox's console account (an operator whose password is printed at start) must not stay
 * live once the sandbox is turned off on the same data directory, and the sandbox must not undo an
 * admin who disabled it on purpose.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setAdminAccountDisabled, TEST_SCRYPT } from '../../src/admin/accounts';
import { adminDeps } from '../../src/admin/services/deps';
import { resetSandboxAdmin, retireSandboxAdmin, SANDBOX_ADMIN_EMAIL } from '../../src/sandbox/admin-account';
import { SQLITE_FILE_NAME } from '../../src/store/open';
import { openSqliteStore } from '../../src/store/sqlite';
import { PRODUCTS, startConsole, type ConsoleWorld } from './support';

describe('the sandbox console account', () => {
  let w: ConsoleWorld;
  beforeEach(async () => {
    w = await startConsole();
  });
  afterEach(() => w?.close());

  const deps = () => ({ store: w.store, products: PRODUCTS, now: w.clock.now, scrypt: TEST_SCRYPT });
  const account = async () => (await w.store.findAdminAccountByEmail(SANDBOX_ADMIN_EMAIL))!;
  const auditFor = async (action: string) =>
    (await w.store.listAudit({ kind: 'admin', reason: action }, { limit: 100, offset: 0 })).items.filter((e) => e.email === SANDBOX_ADMIN_EMAIL);

  it('is disabled, with an audit event, when a start finds the sandbox off; its printed password no longer signs in', async () => {
    const printed = await resetSandboxAdmin(deps());
    assert.equal((await w.client().signIn(printed.email, printed.password)).status, 303);
    assert.equal(await retireSandboxAdmin(deps()), true);
    assert.notEqual((await account()).disabledAt, null);
    const [event] = await auditFor('admin_account.disabled');
    assert.equal(event?.actor, 'sandbox');
    assert.equal((await w.client().signIn(printed.email, printed.password)).status, 401);
    assert.equal(await retireSandboxAdmin(deps()), false, 'a second start with the sandbox off has nothing to do');
    assert.equal((await auditFor('admin_account.disabled')).length, 1);
  });

  it('does nothing with the sandbox off when there is no sandbox account', async () => {
    assert.equal(await retireSandboxAdmin(deps()), false);
    assert.equal(await w.store.findAdminAccountByEmail(SANDBOX_ADMIN_EMAIL), null);
  });

  it('comes back when the sandbox is turned on again after the sandbox-off start disabled it', async () => {
    await resetSandboxAdmin(deps());
    await retireSandboxAdmin(deps());
    w.clock.advance(60_000);
    const printed = await resetSandboxAdmin(deps());
    assert.equal(printed.disabled, false);
    assert.equal((await account()).disabledAt, null);
    assert.equal((await w.client().signIn(printed.email, printed.password)).status, 303);
  });

  it('stays disabled when an admin disabled it, even after sandbox-off starts', async () => {
    await resetSandboxAdmin(deps());
    const operator = await w.account('operator@example.org', 'operator');
    const accountDeps = { admin: adminDeps({ store: w.store, products: PRODUCTS, now: w.clock.now }), accounts: w.store };
    await setAdminAccountDisabled(accountDeps, { kind: 'operator', id: `admin:${operator.id}` }, (await account()).id, true);
    assert.equal(await retireSandboxAdmin(deps()), false);
    const printed = await resetSandboxAdmin(deps());
    assert.equal(printed.disabled, true);
    assert.notEqual((await account()).disabledAt, null);
    assert.equal((await w.client().signIn(printed.email, printed.password)).status, 401);
    assert.equal((await auditFor('admin_account.enabled')).length, 0);
  });

  it('stays disabled when an admin re-enabled it after a sandbox-off start and then disabled it on purpose', async () => {
    await resetSandboxAdmin(deps());
    await retireSandboxAdmin(deps());
    const operator = await w.account('operator@example.org', 'operator');
    const actor = { kind: 'operator' as const, id: `admin:${operator.id}` };
    const accountDeps = { admin: adminDeps({ store: w.store, products: PRODUCTS, now: w.clock.now }), accounts: w.store };
    const id = (await account()).id;
    w.clock.advance(1000);
    await setAdminAccountDisabled(accountDeps, actor, id, false);
    w.clock.advance(1000);
    await setAdminAccountDisabled(accountDeps, actor, id, true);
    assert.equal((await resetSandboxAdmin(deps())).disabled, true);
    assert.notEqual((await account()).disabledAt, null);
  });
});

describe('server start-up with the sandbox off', () => {
  it('disables the sandbox console account left on the data directory', async function () {
    this.timeout(40_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-sandbox-off-'));
    try {
      const seeded = openSqliteStore({ file: path.join(dataDir, SQLITE_FILE_NAME) });
      await seeded.init();
      await resetSandboxAdmin({ store: seeded, products: PRODUCTS, scrypt: TEST_SCRYPT });
      await seeded.close();

      const root = path.resolve(__dirname, '../..');
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(root, 'src/server/main.ts')], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LAUNCHGATE_SANDBOX: '0', LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: string[] = [];
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`LaunchGate did not start:\n${output.join('')}`)), 30_000);
          const onData = (d: Buffer) => {
            output.push(d.toString());
            if (output.join('').includes('LaunchGate listening')) {
              clearTimeout(timer);
              resolve();
            }
          };
          child.stdout.on('data', onData);
          child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
          child.once('exit', () => reject(new Error(`LaunchGate exited:\n${output.join('')}`)));
        });
      } finally {
        child.kill('SIGTERM');
        await exited;
      }

      const store = openSqliteStore({ file: path.join(dataDir, SQLITE_FILE_NAME) });
      await store.init();
      try {
        assert.notEqual((await store.findAdminAccountByEmail(SANDBOX_ADMIN_EMAIL))?.disabledAt ?? null, null);
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

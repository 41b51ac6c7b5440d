import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { TEST_SCRYPT, verifyPassword } from '../../src/admin/accounts';
import { runCli } from '../../src/admin/cli/run';
import { openSqliteStore } from '../../src/store/sqlite';

interface Run {
  code: number;
  out: string;
  err: string;
}

describe('launchgate CLI', () => {
  let dataDir: string;
  const txt = new Map<string, string[][]>();

  async function cli(args: string[], stdin = '', env: Record<string, string> = {}): Promise<Run> {
    let out = '';
    let err = '';
    const code = await runCli(
      args,
      {
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: (t: string) => (err += t) },
        stdin: Readable.from([stdin]),
        env: { NODE_ENV: 'test', DATA_DIR: dataDir, ...env },
        cwd: dataDir,
      },
      {
        scrypt: TEST_SCRYPT,
        resolveTxt: async (name) => {
          const found = txt.get(name);
          if (!found) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
          return found;
        },
      },
    );
    return { code, out, err };
  }

  const idIn = (text: string): string => /\(id ([0-9a-f-]{36})\)/.exec(text)![1]!;

  function assertOneLineError(run: Run, code: number, pattern: RegExp): void {
    assert.equal(run.code, code, run.err || run.out);
    assert.equal(run.out, '');
    assert.equal(run.err.split('\n').filter((l) => l !== '').length, 1, run.err);
    assert.match(run.err, /^launchgate: /);
    assert.match(run.err, pattern);
  }

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-cli-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('lists its commands', async () => {
    const run = await cli(['help']);
    assert.equal(run.code, 0);
    for (const command of ['admin create', 'org create', 'directory create', 'domain claim', 'domain verify', 'connection link', 'connection unlink', 'entitlement set', 'jit on', 'jit off', 'license assign', 'license revoke', 'audit tail', 'token create']) {
      assert.ok(run.out.includes(command), command);
    }
  });

  it('refuses unknown commands and options, and missing required options, with exit 2 and one line', async () => {
    assertOneLineError(await cli(['frobnicate']), 2, /unknown command "frobnicate"/);
    assertOneLineError(await cli(['org', 'explode']), 2, /unknown action "explode" for org; try one of: create, list/);
    assertOneLineError(await cli(['org', 'create', '--nmae', 'x']), 2, /--nmae/);
    assertOneLineError(await cli(['org', 'create']), 2, /--name is required/);
  });

  it('sets up an organization end to end as the operator, and records every change as the CLI', async () => {
    const org = await cli(['org', 'create', '--name', 'Lincoln Unified']);
    assert.equal(org.code, 0, org.err);
    const orgId = idIn(org.out);
    assert.equal((await cli(['entitlement', 'set', '--org', 'lincoln unified', '--product', 'studio', '--seats', '2'])).code, 0);
    const dir = await cli(['directory', 'create', '--org', orgId, '--name', 'Students', '--jit', 'off']);
    assert.match(dir.out, /just-in-time provisioning is off/);
    const directoryId = idIn(dir.out);

    const claim = await cli(['domain', 'claim', '--directory', directoryId, '--name', 'Lincoln.Example']);
    assert.equal(claim.code, 0, claim.err);
    const domainId = idIn(claim.out);
    assert.match(claim.out, /_launchgate-challenge\.lincoln\.example {2}TXT {2}"launchgate-domain-verification=/);
    assertOneLineError(await cli(['domain', 'verify', '--domain', domainId]), 1, /lincoln\.example is not verified: No TXT record found/);
    const verified = await cli(['domain', 'verify', '--domain', domainId, '--operator']);
    assert.match(verified.out, /lincoln\.example is verified \(by the operator\)/);

    const link = await cli(['connection', 'link', '--directory', directoryId, '--partner', 'clever', '--district-id', 'district-9']);
    assert.match(link.out, /Linked Clever district district-9/);
    const connectionId = /connection id ([0-9a-f-]{36})/.exec(link.out)![1]!;
    assertOneLineError(
      await cli(['connection', 'link', '--directory', directoryId, '--partner', 'clever', '--district-id', 'district-9']),
      1,
      /already linked by another connection/,
    );
    const canvas = await cli(['connection', 'link', '--directory', directoryId, '--partner', 'canvas', '--client-id', '100', '--deployment-id', 'd1', '--deployment-id', 'd2']);
    assert.match(canvas.out, /deployments d1, d2/);

    assert.match((await cli(['jit', 'on', '--directory', directoryId])).out, /on for "Students"/);
    assert.match((await cli(['jit', 'off', '--directory', directoryId])).out, /new users cannot access products until an admin assigns them a license/);

    assert.match((await cli(['license', 'assign', '--directory', directoryId, '--email', 'Ada@Lincoln.example', '--product', 'studio'])).out, /Assigned studio to ada@lincoln\.example \(new user\)/);
    assert.match((await cli(['license', 'assign', '--directory', directoryId, '--email', 'bob@lincoln.example', '--product', 'studio'])).out, /new user/);
    assertOneLineError(await cli(['license', 'assign', '--directory', directoryId, '--email', 'cy@lincoln.example', '--product', 'studio']), 1, /Every seat .* is taken/);
    assert.match((await cli(['license', 'revoke', '--directory', directoryId, '--email', 'ada@lincoln.example', '--product', 'studio'])).out, /Revoked studio from ada@lincoln\.example/);

    assert.match((await cli(['connection', 'unlink', '--connection', connectionId])).out, /Unlinked Clever district district-9/);

    const tail = await cli(['audit', 'tail', '--org', orgId, '--limit', '50']);
    assert.equal(tail.code, 0, tail.err);
    for (const action of ['organization.created', 'entitlement.set', 'directory.created', 'domain.claimed', 'domain.verified', 'connection.linked', 'directory.updated', 'license.assigned', 'license.revoked', 'connection.unlinked']) {
      assert.match(tail.out, new RegExp(`${action.replace('.', '\\.')}.*by cli`), action);
    }
    const lines = tail.out.trim().split('\n');
    assert.match(lines[0]!, /organization\.created/, 'oldest first, like tail');

    const json = await cli(['directory', 'list', '--org', orgId, '--json']);
    assert.deepEqual((JSON.parse(json.out) as { name: string; jitEnabled: boolean }[]).map((d) => [d.name, d.jitEnabled]), [['Students', false]]);
  });

  it('shows the launch refusals in the audit tail with their explanation', async () => {
    const store = openSqliteStore({ file: path.join(dataDir, 'launchgate.sqlite') });
    await store.init();
    const [org] = await store.listOrganizations();
    await store.appendAudit({
      time: new Date(), kind: 'launch', orgId: org!.id, directoryId: null, connectionId: null, partner: 'canvas', subject: 's', email: 'late@lincoln.example',
      userId: null, productId: 'studio', decision: 'refused', reason: 'jit_disabled', requestId: null, actor: null, detail: null,
    });
    await store.close();
    const tail = await cli(['audit', 'tail', '--org', org!.id, '--decision', 'refused']);
    assert.match(tail.out, /refused +jit_disabled {2}canvas {2}late@lincoln\.example \(Just-in-time provisioning is off for this directory/);
  });

  it('links a pending Canvas registration with --connection, adding the --deployment-id values it names', async () => {
    const store = openSqliteStore({ file: path.join(dataDir, 'launchgate.sqlite') });
    await store.init();
    const [org] = await store.listOrganizations();
    const [directory] = await store.listDirectories(org!.id);
    const pending = await store.createConnection({
      status: 'pending', orgId: null, directoryId: null, enabled: true, trustEmail: false, label: 'Canvas: Lincoln',
      settings: { partner: 'canvas', issuer: 'https://canvas.instructure.com', clientId: 'dyn-cli', deploymentIds: [], authEndpoint: 'https://sso.canvaslms.com/api/lti/authorize_redirect', tokenEndpoint: 'https://canvas.instructure.com/login/oauth2/token', jwksUrl: 'https://sso.canvaslms.com/api/lti/security/jwks' },
    });
    await store.close();
    const run = await cli(['connection', 'link', '--directory', directory!.id, '--connection', pending.id, '--deployment-id', 'cli:1', '--deployment-id', 'cli:2']);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /Linked Canvas issuer https:\/\/canvas\.instructure\.com, client dyn-cli, deployments cli:1, cli:2/);
    const check = openSqliteStore({ file: path.join(dataDir, 'launchgate.sqlite') });
    await check.init();
    const linked = await check.getConnection(pending.id);
    await check.close();
    assert.equal(linked?.status, 'linked');
    assert.deepEqual(linked?.settings.partner === 'canvas' && linked.settings.deploymentIds, ['cli:1', 'cli:2']);
  });

  it('tails launches of no organization with --unassigned, and every organization’s without --org', async () => {
    const store = openSqliteStore({ file: path.join(dataDir, 'launchgate.sqlite') });
    await store.init();
    await store.appendAudit({
      time: new Date(), kind: 'launch', orgId: null, directoryId: null, connectionId: null, partner: 'clever', subject: 'stray-1', email: null,
      userId: null, productId: 'studio', decision: 'refused', reason: 'connection_not_linked', requestId: null, actor: null, detail: null,
    });
    await store.close();
    const unassigned = await cli(['audit', 'tail', '--unassigned']);
    assert.equal(unassigned.code, 0, unassigned.err);
    assert.match(unassigned.out, /refused +connection_not_linked {2}clever {2}stray-1/);
    assert.doesNotMatch(unassigned.out, /organization\.created|jit_disabled/);
    const all = await cli(['audit', 'tail', '--limit', '200']);
    assert.match(all.out, /connection_not_linked .*\[no organization\]/);
    assert.match(all.out, /jit_disabled .*\[Lincoln Unified\]/);
    assertOneLineError(await cli(['audit', 'tail', '--unassigned', '--org', 'Lincoln Unified']), 2, /either --org or --unassigned/);
  });

  it('creates the first operator with a password from stdin, stored only as a scrypt hash', async () => {
    const run = await cli(['admin', 'create', '--email', 'Root@Example.org', '--role', 'operator', '--password-stdin'], 'a long and careful password\n');
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /Created operator account root@example\.org/);
    assert.doesNotMatch(run.out, /careful/);
    const store = openSqliteStore({ file: path.join(dataDir, 'launchgate.sqlite') });
    await store.init();
    const account = await store.findAdminAccountByEmail('root@example.org');
    await store.close();
    assert.match(account!.passwordHash, /^scrypt\$/);
    assert.equal(await verifyPassword('a long and careful password', account!.passwordHash), true);
  });

  it('creates an organization admin with a generated password printed once, and refuses duplicates', async () => {
    const run = await cli(['admin', 'create', '--email', 'it@lincoln.example', '--role', 'org_admin', '--org', 'Lincoln Unified', '--generate-password']);
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /Password \(shown once\): [A-Za-z0-9_-]{24}/);
    assertOneLineError(await cli(['admin', 'create', '--email', 'IT@lincoln.example', '--role', 'org_admin', '--org', 'Lincoln Unified', '--generate-password']), 1, /already exists/);
    assertOneLineError(await cli(['admin', 'create', '--email', 'x@lincoln.example', '--role', 'org_admin', '--generate-password']), 1, /needs the organization/);
    assertOneLineError(await cli(['admin', 'create', '--email', 'y@lincoln.example', '--role', 'operator', '--password-stdin'], 'short\n'), 1, /at least 12 characters/);
    const list = await cli(['admin', 'list']);
    assert.match(list.out, /it@lincoln\.example +org_admin/);
    assert.match((await cli(['admin', 'disable', '--email', 'it@lincoln.example'])).out, /Disabled it@lincoln\.example/);
  });

  it('creates, lists and revokes organization API tokens', async () => {
    const created = await cli(['token', 'create', '--org', 'Lincoln Unified', '--name', 'SIS sync']);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /^lg_[A-Za-z0-9_-]{43}$/m);
    const tokenId = idIn(created.out);
    assert.match((await cli(['token', 'list', '--org', 'Lincoln Unified'])).out, /SIS sync .* active/);
    assert.match((await cli(['token', 'revoke', '--token', tokenId])).out, /Revoked the API token "SIS sync"/);
  });

  it('answers unknown ids with exit 1 and one line', async () => {
    assertOneLineError(await cli(['jit', 'on', '--directory', 'no-such-directory']), 1, /No directory with id "no-such-directory"/);
    assertOneLineError(await cli(['org', 'list'], '', { PORT: 'eighty' }), 1, /configuration error: PORT/);
  });

  it('runs as a program: exit codes and stderr as a shell sees them', async () => {
    const run = promisify(execFile);
    const main = path.resolve(__dirname, '../../src/admin/cli/main.ts');
    const env = { ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir };
    const ok = await run(process.execPath, ['--require', 'tsx/cjs', main, 'org', 'list'], { env });
    assert.match(ok.stdout, /Lincoln Unified/);
    await assert.rejects(run(process.execPath, ['--require', 'tsx/cjs', main, 'org', 'create'], { env }), (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.equal(error.stderr, 'launchgate: --name is required (see: launchgate org create --help)\n');
      return true;
    });
  });
});

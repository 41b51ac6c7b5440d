/**
 * LAUNCHGATE_WORKERS: one supervisor, N workers on one port and one store. The supervisor does the
 * one-time start-up work and prints the only banner; a worker that dies is replaced; SIGTERM stops
 * them all. (That the steps of one launch may land on different processes is proven in
 * two-processes.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/server/config';
import { freePort } from '../support/ports';

const repoRoot = path.resolve(__dirname, '../..');


/** Node workers of the supervisor (tsx's own esbuild helper is a child too, and is not one). */
function workerPids(pid: number): number[] {
  const pids: number[] = [];
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    for (const child of children === '' ? [] : children.split(/\s+/).map(Number)) {
      try {
        if (fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('main.ts')) pids.push(child);
      } catch {
        // gone already
      }
    }
  }
  return pids.sort();
}

async function until<T>(what: string, probe: () => Promise<T | null> | T | null, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ready = async (url: string) => {
  try {
    return (await fetch(`${url}/readyz`)).ok ? true : null;
  } catch {
    return null;
  }
};

describe('LAUNCHGATE_WORKERS', function () {
  this.timeout(60_000);

  describe('configuration', () => {
    it('is 1 unless set, takes a number or auto, and names the variable for anything else', () => {
      assert.equal(loadConfig({ NODE_ENV: 'test' }).workers, 1);
      assert.equal(loadConfig({ NODE_ENV: 'test', LAUNCHGATE_WORKERS: '3' }).workers, 3);
      assert.equal(loadConfig({ NODE_ENV: 'test', LAUNCHGATE_WORKERS: 'auto' }).workers, os.availableParallelism());
      for (const bad of ['0', '-1', '2.5', 'many', '65']) {
        assert.throws(() => loadConfig({ NODE_ENV: 'test', LAUNCHGATE_WORKERS: bad }), (err: unknown) => err instanceof ConfigError && err.variable === 'LAUNCHGATE_WORKERS', bad);
      }
    });

    it('refuses several workers with the sandbox, whose simulated partners live in one process', () => {
      assert.throws(
        () => loadConfig({ NODE_ENV: 'test', LAUNCHGATE_SANDBOX: '1', LAUNCHGATE_WORKERS: '2' }),
        (err: unknown) => err instanceof ConfigError && /sandbox/.test(err.message),
      );
      assert.equal(loadConfig({ NODE_ENV: 'test', LAUNCHGATE_SANDBOX: '1', LAUNCHGATE_WORKERS: '1' }).workers, 1);
    });
  });

  describe('a supervisor with two workers', () => {
    let dataDir: string;
    let child: ChildProcess;
    let url: string;
    const output: string[] = [];

    before(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-workers-'));
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(repoRoot, 'src/server/main.ts')], {
        cwd: repoRoot,
        // No secret and no admin token: the supervisor generates both, once, before any worker starts.
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, LAUNCHGATE_WORKERS: '2' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
      await until('the banner', () => (/with 2 worker processes/.test(output.join('')) ? true : null));
    });

    after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('prints one banner, with the operator token once', async () => {
      const text = output.join('');
      assert.equal(text.match(/LaunchGate listening on/g)?.length, 1, text);
      assert.equal(text.match(/operator token \(shown once/g)?.length, 1, text);
      assert.match(text, /Generated LAUNCHGATE_SECRET/);
      assert.equal(await ready(url), true);
      assert.equal(workerPids(child.pid!).length, 2);
    });

    it('answers with the token the supervisor printed, whichever worker takes the request', async () => {
      const token = /shown once, stored hashed\): (\S+)/.exec(output.join(''))![1]!;
      for (let i = 0; i < 6; i++) {
        // A fresh connection each time, so both workers get some.
        const res = await fetch(`${url}/api/v1/organizations`, { headers: { authorization: `Bearer ${token}`, connection: 'close' } });
        assert.equal(res.status, 200);
      }
    });

    it('replaces a worker that dies, and keeps serving', async () => {
      const [victim, survivor] = workerPids(child.pid!);
      process.kill(victim!, 'SIGKILL');
      const replaced = await until('a replacement worker', () => {
        const now = workerPids(child.pid!);
        return now.length === 2 && !now.includes(victim!) && now.includes(survivor!) ? now : null;
      });
      assert.equal(replaced.length, 2);
      await until('readiness', () => ready(url));
    });

    it('stops every worker and exits 0 on SIGTERM', async () => {
      const workers = workerPids(child.pid!);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output.join(''));
      for (const pid of workers) assert.equal(fs.existsSync(`/proc/${pid}`), false, `worker ${pid} still runs`);
    });
  });
});

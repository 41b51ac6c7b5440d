/**
 * Graceful shutdown: SIGTERM lets a request already in flight get its answer (the store is closed
 * only after it), then the process exits 0. And the drain itself does not sit out keep-alive
 * timeouts.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { drainable } from '../../src/server/drain';
import { freePort } from '../support/ports';

const repoRoot = path.resolve(__dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends the headers and half the body now; `finish()` sends the rest and resolves with the answer. */
function slowPost(url: string, token: string, body: string): { finish(): Promise<Answer> } {
  const half = Math.floor(body.length / 2);
  let answered: (a: Answer) => void;
  let failed: (e: unknown) => void;
  const answer = new Promise<Answer>((resolve, reject) => {
    answered = resolve;
    failed = reject;
  });
  const req = http.request(url, {
    method: 'POST',
    agent: new http.Agent({ keepAlive: true }),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  req.on('response', (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => answered({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
  });
  req.on('error', (e) => failed(e));
  req.flushHeaders();
  req.write(body.slice(0, half));
  return {
    finish() {
      req.end(body.slice(half));
      return answer;
    },
  };
}

describe('graceful shutdown', function () {
  this.timeout(60_000);

  it('drain() answers the request in flight, then closes its keep-alive connection at once', async () => {
    let release!: () => void;
    const server = http.createServer((_req, res) => {
      release = () => res.end('done');
    });
    const drainer = drainable(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const agent = new http.Agent({ keepAlive: true });
    const response = new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, agent }, resolve).on('error', reject);
    });
    await sleep(100);
    const started = Date.now();
    let drained = false;
    const drain = drainer.drain().then(() => (drained = true));
    await sleep(100);
    assert.equal(drained, false, 'the request in flight holds the drain');
    release();
    const res = await response;
    assert.equal(res.headers.connection, 'close', 'the client is told not to reuse the connection');
    res.resume();
    await drain;
    // Without closing the connection that fell idle, close() would wait out the 5 s keep-alive timeout.
    assert.ok(Date.now() - started < 2000, `drained after ${Date.now() - started} ms`);
    agent.destroy();
  });

  describe('the server process on SIGTERM', () => {
    let dataDir: string;
    let child: ChildProcess | undefined;
    const output: string[] = [];

    before(() => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-shutdown-'));
    });
    after(() => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('finishes the request in flight, closes the store after it, and exits 0', async () => {
      const port = await freePort();
      const token = 'lg_test_' + randomBytes(24).toString('base64url');
      child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(repoRoot, 'src/server/main.ts')], {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          LOG_LEVEL: 'info',
          DATA_DIR: dataDir,
          PORT: String(port),
          HOST: '127.0.0.1',
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          LAUNCHGATE_SECRET: randomBytes(40).toString('base64url'),
          LAUNCHGATE_ADMIN_TOKEN: token,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child!.once('exit', (code, signal) => resolve({ code, signal })));
      const base = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`LaunchGate exited early:\n${output.join('')}`);
        try {
          if ((await fetch(`${base}/readyz`)).ok) break;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`LaunchGate did not become ready:\n${output.join('')}`);
        await sleep(100);
      }

      // The request is in flight: authenticated, its body half read, when the signal arrives.
      const inFlight = slowPost(`${base}/api/v1/organizations`, token, JSON.stringify({ name: 'Created during shutdown' }));
      await sleep(300);
      child.kill('SIGTERM');
      await sleep(500);
      assert.equal(child.exitCode, null, `the process waits for the request in flight:\n${output.join('')}`);
      await assert.rejects(fetch(`${base}/readyz`), 'no new connections are accepted while draining');

      const answer = await inFlight.finish();
      assert.equal(answer.status, 201, answer.body);
      assert.equal((JSON.parse(answer.body) as { name: string }).name, 'Created during shutdown');
      assert.equal(answer.headers.connection, 'close');
      const { code, signal } = await exited;
      assert.equal(signal, null);
      assert.equal(code, 0, output.join(''));
      assert.match(output.join(''), /"msg":"stopped"/);
    });
  });
});

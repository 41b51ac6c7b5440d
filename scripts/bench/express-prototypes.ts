/**
 * `npx tsx scripts/bench/express-prototypes.ts`: the server CPU one request costs with plain Node,
 * with an Express app served the usual way (`app.listen`: Express changes each request's and
 * response's prototype with Object.setPrototypeOf), and with the same app served by
 * createAppServer (objects born with those prototypes). The server runs in its own process on
 * 127.0.0.1; the figure is its CPU time over the requests, so the load generator's cost is not in it.
 * Prints the median of the rounds per server, and the ratio to plain Node.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Pool } from 'undici';
import { createAppServer } from '../../src/server/http-server';

type Mode = 'plain' | 'express' | 'express-born';
const MODES: Mode[] = ['plain', 'express', 'express-born'];
const REQUESTS = 20_000;
const WARMUP = 5_000;
const CONCURRENCY = 16;
const ROUNDS = 3;

/** Headers like the ones every LaunchGate response carries (helmet's, a request id, a redirect). */
function answer(res: http.ServerResponse): void {
  res.setHeader('X-Request-Id', 'req-1');
  res.setHeader('Content-Security-Policy', "default-src 'self';frame-ancestors 'none';script-src 'self' 'nonce-abc'");
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cache-Control', 'no-store');
  res.statusCode = 303;
  res.setHeader('Location', 'http://127.0.0.1/product');
  res.setHeader('Content-Length', '0');
  res.end();
}

function serve(mode: Mode): void {
  let server: http.Server;
  if (mode === 'plain') {
    server = http.createServer((_req, res) => answer(res));
  } else {
    const app = express();
    app.set('etag', false);
    app.use((_req, _res, next) => next());
    for (let i = 0; i < 8; i++) app.get(`/other-${i}`, (_req, res) => res.end());
    app.post('/lti/launch', (_req, res) => answer(res));
    server = mode === 'express' ? http.createServer(app) : createAppServer(app);
  }
  let start = process.cpuUsage();
  process.on('message', (message: string) => {
    if (message === 'start') start = process.cpuUsage();
    if (message === 'stop') {
      const used = process.cpuUsage(start);
      process.send!({ cpuMicros: used.user + used.system });
    }
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
}

function nextMessage<T>(child: ReturnType<typeof fork>): Promise<T> {
  return new Promise((resolve) => child.once('message', (m) => resolve(m as T)));
}

async function measure(mode: Mode): Promise<number> {
  const child = fork(__filename, ['serve', mode], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    const { port } = await nextMessage<{ port: number }>(child);
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY * 2 });
    const run = async (count: number): Promise<void> => {
      let left = count;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (left-- > 0) {
            const res = await pool.request({ path: '/lti/launch', method: 'POST', body: '' });
            await res.body.dump();
          }
        }),
      );
    };
    await run(WARMUP);
    child.send('start');
    await run(REQUESTS);
    const reply = nextMessage<{ cpuMicros: number }>(child);
    child.send('stop');
    const { cpuMicros } = await reply;
    await pool.close();
    return cpuMicros / REQUESTS;
  } finally {
    child.kill();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const results = new Map<Mode, number[]>(MODES.map((m) => [m, []]));
  // Rounds take turns, so a machine whose speed drifts moves every server alike.
  for (let round = 0; round < ROUNDS; round++) for (const mode of MODES) results.get(mode)!.push(await measure(mode));
  const plain = median(results.get('plain')!);
  console.log(`server CPU per request (µs), ${REQUESTS} requests, ${CONCURRENCY} at a time, median of ${ROUNDS} rounds:`);
  for (const mode of MODES) {
    const values = results.get(mode)!;
    console.log(`  ${mode.padEnd(13)} ${median(values).toFixed(1).padStart(6)}  (${values.map((v) => v.toFixed(1)).join(', ')})  ${(median(values) / plain).toFixed(2)}x plain`);
  }
}

if (process.argv[2] === 'serve') serve(process.argv[3] as Mode);
else
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });

/** The load generator's connections: all opened before a phase, none while it runs. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentPool, Browser } from '../../scripts/bench/browser';

describe('benchmark browsers’ connection pool', () => {
  let server: http.Server;
  let origin: string;

  before(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('virtual users launching back to back through a warmed pool open no new connection', async () => {
    const users = 16;
    const pool = new AgentPool(users * 2);
    try {
      await pool.warm(origin);
      const warmed = pool.connectionsOpened(origin);
      assert.equal(warmed, users * 2);
      // Each virtual user sends its next request the moment its last answer is read, as in a phase:
      // warming one connection per user left undici opening users - 1 more while the phase ran.
      await Promise.all(
        Array.from({ length: users }, async () => {
          const browser = new Browser(pool);
          for (let i = 0; i < 30; i++) assert.equal((await browser.request(`${origin}/hop`)).status, 200);
        }),
      );
      assert.equal(pool.connectionsOpened(origin) - warmed, 0);
    } finally {
      pool.destroy();
    }
  });

  it('attack: refuses any address but loopback before opening a socket', async () => {
    const pool = new AgentPool(2);
    try {
      await assert.rejects(new Browser(pool).request('http://192.0.2.1/'), /only talks to loopback/);
      assert.equal(pool.connectionsOpened('http://192.0.2.1'), 0);
    } finally {
      pool.destroy();
    }
  });
});

/**
 * The server LaunchGate listens with: its requests and responses are constructed with the app's
 * prototypes (no prototype change per request), and everything Express gives a handler still
 * works through it, including an Express app mounted below the main one.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import express from 'express';
import { createAppServer } from '../../src/server/http-server';

describe('the app server', () => {
  let server: http.Server;
  let origin: string;
  const prototypes: { request: boolean; response: boolean }[] = [];

  before(async () => {
    const app = express();
    app.set('trust proxy', 'loopback');
    app.get('/probe', (req, res) => {
      prototypes.push({ request: Object.getPrototypeOf(req) === app.request, response: Object.getPrototypeOf(res) === app.response });
      res.cookie('lg', 'v', { httpOnly: true, path: '/probe' });
      res.set('Cache-Control', 'no-store').json({ query: req.query, ip: req.ip, path: req.path, host: req.get('host') });
    });
    app.post('/form', express.urlencoded({ extended: false }), (req, res) => {
      res.type('text').send(String((req.body as Record<string, string>).name));
    });
    // A sub-app swaps the prototypes for its own while it runs, and back after.
    const sub = express();
    sub.get('/inner', (req, res, next) => {
      res.locals.inner = Object.getPrototypeOf(req) === sub.request;
      next();
    });
    app.use('/sub', sub);
    app.get('/sub/inner', (req, res) => {
      res.json({ innerHadItsOwn: res.locals.inner === true, backToApp: Object.getPrototypeOf(req) === app.request });
    });
    server = createAppServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('hands every request and response to Express with the app’s prototypes already in place', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${origin}/probe`)).status, 200);
    assert.deepEqual(prototypes, Array.from({ length: 3 }, () => ({ request: true, response: true })));
  });

  it('keeps what Express gives a handler: query, ip, path, headers, cookies, json, body parsing', async () => {
    const res = await fetch(`${origin}/probe?a=1&b=two`);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('set-cookie') ?? '', /^lg=v; Path=\/probe; HttpOnly$/);
    assert.deepEqual(await res.json(), { query: { a: '1', b: 'two' }, ip: '127.0.0.1', path: '/probe', host: new URL(origin).host });
    const form = await fetch(`${origin}/form`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=Ada+L' });
    assert.equal(await form.text(), 'Ada L');
  });

  it('serves a mounted Express app with its own prototypes, and the main app’s again after it', async () => {
    const res = await fetch(`${origin}/sub/inner`);
    assert.deepEqual(await res.json(), { innerHadItsOwn: true, backToApp: true });
  });

  it('answers an unknown path with Express’s 404', async () => {
    assert.equal((await fetch(`${origin}/nothing-here`)).status, 404);
  });
});

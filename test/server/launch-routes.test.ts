/**
 * The launch path's own routes (found before Express's router) and its form reader: a partner's
 * form post is read as body-parser read it, a form that is too large, too long or not UTF-8 is
 * refused with a page that says why before any handler sees it, and every spelling of a route
 * Express accepts runs its handlers exactly once.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { formBody } from '../../src/server/form-body';
import { LaunchRoutes } from '../../src/server/launch-routes';
import type { PartnerModule } from '../../src/server/partner-module';
import { startHarness, type Harness } from '../support/harness';

interface Seen {
  calls: number;
  body: unknown;
}

function formPartner(seen: Seen): PartnerModule {
  return {
    name: 'form-test-partner',
    mount(_app, ctx) {
      const form = formBody({ limitBytes: 1024, parameterLimit: 8 });
      ctx.routes.post('/launch/form', form, (req, res) => {
        seen.calls += 1;
        seen.body = req.body;
        res.json({ body: req.body ?? null, proto: Object.getPrototypeOf(req.body ?? {}) === null ? 'null' : 'object' });
      });
      ctx.routes.get('/launch/passes', (_req, _res, next) => {
        seen.calls += 1;
        next();
      });
      ctx.routes.get('/launch/rejects', async () => {
        seen.calls += 1;
        throw new Error('a handler that failed');
      });
    },
  };
}

/** A raw request, so the test chooses every header (fetch would set Content-Length itself). */
function send(baseUrl: string, path: string, headers: Record<string, string>, chunks: (string | Buffer)[]): Promise<{ status: number; body: string }> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

const FORM = 'application/x-www-form-urlencoded';

describe('launch routes and the launch form reader', function () {
  let h: Harness;
  const seen: Seen = { calls: 0, body: undefined };

  before(async () => {
    h = await startHarness({ partners: () => [formPartner(seen)] });
  });
  after(async () => h.close());
  beforeEach(() => {
    seen.calls = 0;
    seen.body = undefined;
  });

  async function postForm(body: string, contentType = FORM, path = '/launch/form'): Promise<Response> {
    return fetch(`${h.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  }

  it('reads a form post into flat fields: percent-encoding and + decoded, a repeated name as a list', async () => {
    const res = await postForm('state=abc%2F%3D&id_token=a.b.c&name=Ada+Lovelace&role=a&role=b&empty=');
    assert.equal(res.status, 200);
    const { body } = (await res.json()) as { body: Record<string, unknown> };
    assert.deepEqual(body, { state: 'abc/=', id_token: 'a.b.c', name: 'Ada Lovelace', role: ['a', 'b'], empty: '' });
  });

  it('reads a charset-qualified form, and a form sent in several chunks without a length', async () => {
    const qualified = await postForm('state=s1', `${FORM}; charset=UTF-8`);
    assert.deepEqual(((await qualified.json()) as { body: unknown }).body, { state: 's1' });
    const chunked = await send(h.baseUrl, '/launch/form', { 'content-type': FORM, 'transfer-encoding': 'chunked' }, ['sta', 'te=s2&id_', 'token=t']);
    assert.equal(chunked.status, 200);
    assert.deepEqual((JSON.parse(chunked.body) as { body: unknown }).body, { state: 's2', id_token: 't' });
  });

  it('keeps __proto__ and constructor as plain fields: nothing reaches Object.prototype', async () => {
    const res = await postForm('__proto__=polluted&constructor=x&toString=y');
    const answer = (await res.json()) as { body: Record<string, unknown>; proto: string };
    assert.equal(answer.proto, 'null');
    assert.equal(answer.body.__proto__, 'polluted');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(typeof ({} as { toString: unknown }).toString, 'function');
  });

  it('refuses a form over the size limit with 413 and a page that says why, before the handler runs', async () => {
    const declared = await postForm(`state=${'x'.repeat(2000)}`);
    assert.equal(declared.status, 413);
    assert.match(await declared.text(), /The form could not be read[\s\S]*larger than 1024 bytes/);
    // No Content-Length: the limit holds while the body streams in.
    const streamed = await send(h.baseUrl, '/launch/form', { 'content-type': FORM, 'transfer-encoding': 'chunked' }, Array.from({ length: 8 }, () => 'x'.repeat(200)));
    assert.equal(streamed.status, 413);
    assert.equal(seen.calls, 0);
  });

  it('refuses a form with more fields than the limit (413)', async () => {
    const res = await postForm('a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9');
    assert.equal(res.status, 413);
    assert.match(await res.text(), /more than 8 fields/);
    assert.equal(seen.calls, 0);
  });

  it('refuses a form in another charset, and a compressed form (415)', async () => {
    const latin1 = await postForm('name=Ren%E9', `${FORM}; charset=iso-8859-1`);
    assert.equal(latin1.status, 415);
    assert.match(await latin1.text(), /not UTF-8/);
    const gzip = await send(h.baseUrl, '/launch/form', { 'content-type': FORM, 'content-encoding': 'gzip' }, [gzipSync('state=s')]);
    assert.equal(gzip.status, 415);
    assert.equal(seen.calls, 0);
  });

  it('leaves the body unread for another content type, as body-parser does', async () => {
    const res = await postForm('{"state":"s"}', 'application/json');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { body: unknown }).body, null);
    assert.equal(seen.calls, 1);
  });

  it('serves every spelling Express accepts (case, trailing slash) with the same handlers, once each', async () => {
    for (const path of ['/launch/form', '/LAUNCH/Form', '/launch/form/']) {
      const res = await postForm('state=s', FORM, path);
      assert.equal(res.status, 200, path);
    }
    assert.equal(seen.calls, 3);
  });

  it('passes on to the rest of the app after a handler calls next(), without running the route twice', async () => {
    const res = await fetch(`${h.baseUrl}/launch/passes`);
    assert.equal(res.status, 404);
    assert.match(await res.text(), /Not found/);
    assert.equal(seen.calls, 1);
  });

  it('sends a rejected handler to the error page', async () => {
    const res = await fetch(`${h.baseUrl}/launch/rejects`);
    assert.equal(res.status, 500);
    assert.match(await res.text(), /Something went wrong/);
    assert.equal(seen.calls, 1);
  });

  it('refuses to register the same launch route twice', async () => {
    const express = (await import('express')).default;
    const routes = new LaunchRoutes(express());
    routes.post('/lti/launch', (_req, res) => res.end());
    assert.throws(() => routes.post('/lti/launch', (_req, res) => res.end()), /registered twice/);
  });
});

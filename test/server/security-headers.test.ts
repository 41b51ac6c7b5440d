/** Helmet's headers recorded once: every response gets exactly what helmet would set, with its own nonce. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { framableHelmet, recordSecurityHeaders, strictHelmet } from '../../src/server/security-headers';

const CONFIGS: Record<string, () => RequestHandler> = { strict: strictHelmet, framable: framableHelmet };

function response(nonce: string): Response {
  const res = new ServerResponse(new IncomingMessage(new Socket())) as unknown as Response;
  res.locals = { cspNonce: nonce };
  res.setHeader('X-Powered-By', 'something');
  return res;
}

describe('security headers recorded from helmet', () => {
  for (const [name, make] of Object.entries(CONFIGS)) {
    it(`${name}: sets exactly the headers helmet sets, with this response's nonce`, () => {
      const nonce = randomBytes(16).toString('base64');
      const live = response(nonce);
      make()({} as Request, live, (() => undefined) as NextFunction);
      const recorded = response(nonce);
      recordSecurityHeaders(make()).apply(recorded, nonce);
      assert.deepEqual(recorded.getHeaders(), live.getHeaders());
      assert.match(String(recorded.getHeader('content-security-policy')), new RegExp(`script-src 'self' 'nonce-${nonce.replace(/[+/]/g, '\\$&')}'`));
      assert.equal(recorded.getHeader('x-powered-by'), undefined);
    });
  }

  it('gives each response its own nonce: none leaks into the next', () => {
    const headers = recordSecurityHeaders(CONFIGS.strict!());
    const [a, b] = [randomBytes(16).toString('base64'), randomBytes(16).toString('base64')];
    const first = response(a);
    const second = response(b);
    headers.apply(first, a);
    headers.apply(second, b);
    assert.ok(String(first.getHeader('content-security-policy')).includes(a));
    assert.ok(!String(second.getHeader('content-security-policy')).includes(a));
    assert.ok(String(second.getHeader('content-security-policy')).includes(b));
  });

  it('refuses at start-up a policy helmet would refuse on every request', () => {
    const broken = helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'", () => "'self'; script-src *"] } } });
    assert.throws(() => recordSecurityHeaders(broken), /script-src/);
  });
});

/**
 * Log redaction: credentials inside logged fields never reach the log, the cut is the one pino's
 * own `redact` makes of REDACTED_PATHS (checked line by line against it), and logging never
 * changes the caller's objects.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { CENSOR } from '../../src/server/log-redaction';
import { createLogger, REDACTED_PATHS, type Logger } from '../../src/server/logger';

function capture(make: (stream: Writable) => Logger): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const line = JSON.parse(chunk.toString('utf8')) as Record<string, unknown>;
      delete line.time;
      lines.push(line);
      done();
    },
  });
  return { logger: make(stream), lines };
}

const SECRET = 'S3CRET-value-that-must-not-be-logged';

/** What LaunchGate logs, and what it might: credentials one level into a field, request and response headers, errors. */
function samples(): Array<() => [Record<string, unknown> | Error, string]> {
  return [
    () => [{ requestId: 'r1', partner: 'canvas', decision: 'allowed', reason: 'user_created', userId: 'u1' }, 'launch decided'],
    () => [{ body: { token: SECRET, id_token: SECRET, state: 'kept' } }, 'form'],
    () => [{ query: { code: SECRET, state: 'kept' }, partner: 'clever' }, 'callback'],
    () => [{ tokens: { access_token: SECRET, refresh_token: SECRET, token_type: 'bearer' } }, 'token response'],
    () => [{ client: { client_secret: SECRET, clientSecret: SECRET, secret: SECRET, password: SECRET, client_id: 'kept' } }, 'client'],
    () => [{ handoff: { assertion: SECRET, ltik: SECRET, product: 'studio' } }, 'handoff'],
    () => [{ req: { method: 'GET', url: '/lti/launch', headers: { authorization: `Bearer ${SECRET}`, cookie: `lg=${SECRET}`, accept: '*/*' } } }, 'request'],
    () => [{ res: { statusCode: 302, headers: { 'set-cookie': [`lg=${SECRET}`], location: '/product' } } }, 'response'],
    () => [{ err: Object.assign(new Error('token endpoint refused'), { code: 'ECONNREFUSED', token: SECRET }), requestId: 'r2' }, 'partner failed'],
    () => [Object.assign(new TypeError('bad'), { authorization: SECRET }), 'thrown'],
    () => [{ err: { message: 'error-like, not an Error', token: SECRET } }, 'plain error'],
    () => [{ err: 'just a string' }, 'string error'],
    () => [{ worker: 123, code: 1, signal: 'SIGTERM' }, 'a worker did not stop cleanly'],
    () => [{ list: ['a', 'b'], count: 2, flag: true, nothing: null }, 'shapes'],
  ];
}

describe('log redaction', () => {
  it('cuts exactly what pino’s redact of REDACTED_PATHS cuts, line by line', () => {
    const ours = capture((stream) => createLogger('trace', stream));
    const reference = capture((stream) =>
      pino({ level: 'trace', base: { service: 'launchgate' }, redact: { paths: REDACTED_PATHS, censor: CENSOR } }, stream),
    );
    // The same objects to both (neither changes them), so that errors carry the same stacks.
    for (const sample of samples()) {
      const [fields, msg] = sample();
      ours.logger.info(fields, msg);
      reference.logger.info(fields, msg);
    }
    assert.equal(ours.lines.length, samples().length);
    assert.deepEqual(ours.lines, reference.lines);
  });

  it('attack: a credential inside any logged field never reaches the log', () => {
    const ours = capture((stream) => createLogger('trace', stream));
    for (const sample of samples()) ours.logger.warn(...sample());
    const text = JSON.stringify(ours.lines);
    assert.ok(!text.includes(SECRET), text);
    assert.ok(text.includes(CENSOR));
    // What is not a credential stays readable for the admin: a state, an exit code at the top level.
    assert.match(text, /"state":"kept"/);
    assert.match(text, /"code":1,"signal":"SIGTERM"/);
  });

  it('leaves the caller’s objects as they were', () => {
    const ours = capture((stream) => createLogger('trace', stream));
    const fields = { body: { token: SECRET }, req: { headers: { authorization: SECRET } } };
    const err = Object.assign(new Error('x'), { token: SECRET });
    ours.logger.info(fields, 'one');
    ours.logger.info({ err }, 'two');
    assert.equal(fields.body.token, SECRET);
    assert.equal(fields.req.headers.authorization, SECRET);
    assert.equal(err.token, SECRET);
  });
});

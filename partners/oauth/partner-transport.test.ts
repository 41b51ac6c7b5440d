/** The keep-alive transport against a real HTTP server on 127.0.0.1. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { keepAliveTransport, TransportFailure, type PartnerTransport } from './partner-transport';
import { rejectionOf } from '../../test/support/rejection';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, nth: number) => void;

interface TestServer {
  url: string;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

/** `nth` counts the requests on each connection, from 1. */
async function serve(handler: Handler): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const perSocket = new WeakMap<Socket, number>();
  const state = { connections: 0, requests: [] as string[] };
  const server = http.createServer((req, res) => {
    const nth = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, nth);
    state.requests.push(`${req.method} ${req.url}`);
    handler(req, res, nth);
  });
  server.on('connection', (socket: Socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get connections() {
      return state.connections;
    },
    requests: state.requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const failureOf = (promise: Promise<unknown>) => rejectionOf(promise, TransportFailure);

const limits = { timeoutMs: 2000, maxBytes: 1024 };

describe('partner transport (keep-alive http)', function () {
  let server: TestServer | null = null;
  let transport: PartnerTransport;
  beforeEach(() => {
    transport = keepAliveTransport();
  });
  afterEach(async () => {
    transport.close();
    await server?.close();
    server = null;
  });

  it('reuses one connection for the calls of a launch, and sends the body with its length', async () => {
    server = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, length: req.headers['content-length'] ?? null, body })));
    });
    const token = await transport.send({ method: 'POST', url: `${server.url}/token`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'code=é' }, limits);
    assert.equal(token.status, 200);
    assert.deepEqual(JSON.parse(token.text), { method: 'POST', length: '7', body: 'code=é' });
    await transport.send({ method: 'GET', url: `${server.url}/me`, headers: {} }, limits);
    await transport.send({ method: 'GET', url: `${server.url}/users/1`, headers: {} }, limits);
    assert.equal(server.connections, 1);
  });

  it('gives up at the deadline, and the next call gets a fresh connection', async () => {
    server = await serve((req, res) => {
      if (req.url !== '/hang') res.end('{}');
    });
    const late = await failureOf(transport.send({ method: 'GET', url: `${server.url}/hang`, headers: {} }, { ...limits, timeoutMs: 100 }));
    assert.equal(late.kind, 'timeout');
    const next = await transport.send({ method: 'GET', url: `${server.url}/ok`, headers: {} }, limits);
    assert.equal(next.text, '{}');
    assert.equal(server.connections, 2);
  });

  it('refuses an answer larger than the limit, declared or streamed', async () => {
    server = await serve((req, res) => {
      if (req.url === '/declared') {
        res.setHeader('content-length', 4096);
        res.end('x'.repeat(4096));
      } else {
        res.write('x'.repeat(800));
        res.end('x'.repeat(800));
      }
    });
    assert.equal((await failureOf(transport.send({ method: 'GET', url: `${server.url}/declared`, headers: {} }, limits))).kind, 'too_large');
    assert.equal((await failureOf(transport.send({ method: 'GET', url: `${server.url}/streamed`, headers: {} }, limits))).kind, 'too_large');
  });

  it('never follows a redirect: the token is not sent to where it points', async () => {
    server = await serve((req, res) => {
      if (req.url === '/me') res.writeHead(302, { location: '/elsewhere' }).end();
      else res.end('{"stolen":true}');
    });
    const answer = await transport.send({ method: 'GET', url: `${server.url}/me`, headers: { authorization: 'Bearer t' } }, limits);
    assert.equal(answer.status, 302);
    assert.deepEqual(server.requests, ['GET /me']);
  });

  it('retries a GET once when the partner closes an idle connection just as it is reused', async () => {
    server = await serve((req, res, nth) => {
      if (nth === 1) res.end('{"n":1}');
      else req.socket.destroy();
    });
    await transport.send({ method: 'GET', url: `${server.url}/me`, headers: {} }, limits);
    const again = await transport.send({ method: 'GET', url: `${server.url}/users/1`, headers: {} }, limits);
    assert.equal(again.text, '{"n":1}');
    assert.equal(server.connections, 2);
    assert.deepEqual(server.requests, ['GET /me', 'GET /users/1', 'GET /users/1']);
  });

  it('never sends a code exchange twice: a POST on a reset reused connection fails, and the partner saw it once', async () => {
    // The partner reads the whole token request, then drops the connection without answering:
    // the code may well have been redeemed, so sending it again would be a replay.
    server = await serve((req, res, nth) => {
      if (nth === 1) {
        res.end('{"n":1}');
        return;
      }
      req.resume();
      req.on('end', () => req.socket.destroy());
    });
    await transport.send({ method: 'GET', url: `${server.url}/me`, headers: {} }, limits);
    const reset = await failureOf(transport.send({ method: 'POST', url: `${server.url}/token`, headers: {}, body: 'code=c' }, limits));
    assert.equal(reset.kind, 'unreachable');
    assert.ok(['ECONNRESET', 'EPIPE'].includes(reset.code), `a system code, got ${reset.code}`);
    assert.ok(!reset.message.includes('code=c'), 'the message carries nothing of the request');
    assert.equal(server.requests.filter((r) => r === 'POST /token').length, 1, 'exactly one POST /token reached the partner');
    assert.equal(server.connections, 1, 'no new connection was opened to resend it');

    // The transport is still usable afterwards, on a fresh connection.
    const next = await transport.send({ method: 'GET', url: `${server.url}/me`, headers: {} }, limits);
    assert.equal(next.text, '{"n":1}');
  });

  it('reports a partner that cannot be reached with the system error code', async () => {
    server = await serve((_req, res) => res.end());
    const url = server.url;
    await server.close();
    server = null;
    const down = await failureOf(transport.send({ method: 'GET', url: `${url}/me`, headers: {} }, limits));
    assert.deepEqual([down.kind, down.code], ['unreachable', 'ECONNREFUSED']);
    assert.equal((await failureOf(transport.send({ method: 'GET', url: 'ftp://127.0.0.1/me', headers: {} }, limits))).kind, 'unreachable');
  });
});

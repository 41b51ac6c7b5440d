/**
 * Outbound HTTP to the OAuth partners: node's http/https with one keep-alive agent per partner
 * origin. A launch makes three calls to the same partner and a morning makes thousands, so
 * connections are reused rather than set up per call; the global fetch (undici) cost about three
 * times the CPU per call here. Every call has one deadline (connection, request and answer), a
 * limit on the answer's size, and follows no redirect: a partner endpoint has no business
 * redirecting us, and following one could send a token elsewhere.
 */
import http from 'node:http';
import https from 'node:https';

export interface PartnerRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PartnerAnswer {
  status: number;
  text: string;
}

export interface CallLimits {
  /** Deadline for the whole call, connection and answer included. */
  timeoutMs: number;
  /** The largest answer read, in bytes. */
  maxBytes: number;
}

export type TransportFailureKind = 'timeout' | 'unreachable' | 'too_large';

export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';
  constructor(
    readonly kind: TransportFailureKind,
    /** A system error code (ECONNREFUSED, ENOTFOUND...) or a short name; never part of an answer. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PartnerTransport {
  send(request: PartnerRequest, limits: CallLimits): Promise<PartnerAnswer>;
  /** Closes the idle connections; calls after this open new ones. */
  close(): void;
}

export interface KeepAliveOptions {
  /** Connections per partner origin at once; more calls wait for a free one. */
  maxSockets?: number;
  /** How long an idle connection is kept when the partner's Keep-Alive header names no shorter time. */
  idleMs?: number;
}

const DEFAULT_MAX_SOCKETS = 64;
const DEFAULT_IDLE_MS = 4_000;

/**
 * A reused connection failed before any answer: almost always the partner closing it as idle just
 * as we sent. We cannot tell whether the request arrived first, so only a GET (a read) is sent
 * again on a new connection. A POST is never resent: the code exchange is the only POST, and a
 * code that did reach the partner must not be exchanged a second time (Clever forbids it, and a
 * partner may revoke the tokens of a replayed code). The launch fails cleanly instead; the user
 * opens the app again.
 */
class StaleConnection extends Error {}

/** Methods safe to send twice (RFC 9110 §9.2.2) that we use; everything else goes out at most once. */
const RETRYABLE_METHODS: ReadonlySet<PartnerRequest['method']> = new Set(['GET']);

const STALE_CODES = new Set(['ECONNRESET', 'EPIPE']);

function errorCode(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.name : 'unknown error';
}

export function keepAliveTransport(options: KeepAliveOptions = {}): PartnerTransport {
  const agents = new Map<string, http.Agent>();
  const agentOptions: http.AgentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets ?? DEFAULT_MAX_SOCKETS,
    // Node keeps a free socket for this long, or for one second less than the server's Keep-Alive hint.
    timeout: options.idleMs ?? DEFAULT_IDLE_MS,
    scheduling: 'lifo',
  };

  function agentFor(url: URL): http.Agent {
    let agent = agents.get(url.origin);
    if (agent === undefined) {
      agent = url.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
      agents.set(url.origin, agent);
    }
    return agent;
  }

  function exchange(url: URL, request: PartnerRequest, maxBytes: number, deadline: number): Promise<PartnerAnswer> {
    return new Promise<PartnerAnswer>((resolve, reject) => {
      let settled = false;
      let answered = false;
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
      const lib = url.protocol === 'https:' ? https : http;

      const req = lib.request(url, { method: request.method, headers, agent: agentFor(url) }, (res) => {
        answered = true;
        const tooLarge = () => fail(new TransportFailure('too_large', 'too_large', `the answer is larger than ${maxBytes} bytes`));
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          tooLarge();
          return;
        }
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) tooLarge();
          else chunks.push(chunk);
        });
        res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks, total).toString('utf8') }));
        res.on('error', (err) => fail(new TransportFailure('unreachable', errorCode(err), 'the connection broke during the answer')));
        res.on('close', () => {
          if (!res.complete) fail(new TransportFailure('unreachable', 'ECONNRESET', 'the connection closed during the answer'));
        });
      });
      const timer = setTimeout(
        () => fail(new TransportFailure('timeout', 'timeout', 'no complete answer before the deadline')),
        Math.max(0, deadline - Date.now()),
      );
      req.on('error', (err) => {
        const code = errorCode(err);
        if (!answered && req.reusedSocket && STALE_CODES.has(code)) fail(new StaleConnection(code));
        else fail(new TransportFailure('unreachable', code, 'the connection failed'));
      });

      function done(answer: PartnerAnswer): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(answer);
      }
      function fail(err: Error): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // A connection we give up on is never handed to the next call.
        req.destroy();
        reject(err);
      }
      req.end(request.body);
    });
  }

  return {
    async send(request, limits) {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        throw new TransportFailure('unreachable', 'ERR_INVALID_URL', 'the URL is not valid');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new TransportFailure('unreachable', 'ERR_INVALID_PROTOCOL', `${url.protocol} is not http or https`);
      }
      const deadline = Date.now() + limits.timeoutMs;
      try {
        return await exchange(url, request, limits.maxBytes, deadline);
      } catch (err) {
        if (!(err instanceof StaleConnection)) throw err;
        if (!RETRYABLE_METHODS.has(request.method)) {
          throw new TransportFailure('unreachable', err.message, 'the connection was reset before an answer; not resent, the request may have arrived');
        }
        try {
          return await exchange(url, request, limits.maxBytes, deadline);
        } catch (again) {
          if (again instanceof StaleConnection) throw new TransportFailure('unreachable', again.message, 'the connection was reset');
          throw again;
        }
      }
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

/**
 * The load generator's browser: a cookie jar per virtual user and one request per call, over
 * keep-alive connections shared by every browser, so the benchmark measures the servers rather than
 * TCP set-up. Only http://127.0.0.1 and http://localhost are reachable: anything else is refused
 * before a socket is opened.
 *
 * Requests go through undici connection pools rather than `http.request`: the load generator shares
 * the machine with the servers it measures, and undici costs it about half the CPU per request.
 */
import { Pool } from 'undici';
import type { HopTime } from './hops';

export interface Hop {
  url: string;
  status: number;
  /** Absolute URL of a redirect, or null. */
  location: string | null;
  body: string;
}

export interface RequestInit {
  method?: 'GET' | 'POST';
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost']);
/** Each answer is read whole; nothing a launch returns is near this. */
const MAX_BODY = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 30_000;

export class AgentPool {
  private readonly pools = new Map<string, Pool>();

  /** Connections opened so far, by origin (a timed phase should open none: see warm). */
  private readonly connects = new Map<string, number>();

  constructor(private readonly maxSockets: number) {}

  poolFor(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: this.maxSockets,
        pipelining: 1,
        keepAliveTimeout: 60_000,
        headersTimeout: REQUEST_TIMEOUT_MS,
        bodyTimeout: REQUEST_TIMEOUT_MS,
      });
      pool.on('connect', () => this.connects.set(origin, (this.connects.get(origin) ?? 0) + 1));
      this.pools.set(origin, pool);
    }
    return pool;
  }

  connectionsOpened(origin: string): number {
    return this.connects.get(origin) ?? 0;
  }

  /**
   * Opens every connection the pool may use to `origin` before a timed phase (a request on each at
   * once). A browser opening a connection to a busy Node server waits for it to be accepted (Node
   * accepts one connection per event-loop turn), which would measure connection set-up rather
   * than launches. Opening only one per virtual user was not enough: undici hands a virtual user's
   * next request to another connection while the one it just used is still being released, and
   * during a 64-user phase it opened 26 to 32 more, mid-phase; the launches waiting on those were
   * the phase's slowest (130 to 400 ms, all started in the same few milliseconds).
   */
  async warm(origin: string): Promise<void> {
    const browser = new Browser(this);
    await Promise.all(Array.from({ length: this.maxSockets }, () => browser.request(`${origin}/`).catch(() => undefined)));
  }

  destroy(): void {
    for (const pool of this.pools.values()) void pool.destroy();
    this.pools.clear();
  }
}

export class LoopbackRefused extends Error {
  override readonly name = 'LoopbackRefused';
}

export class Browser {
  /** host:port → cookies. */
  private readonly jar = new Map<string, Cookie[]>();
  /** When set, every request is timed into it (a measured launch's hops); null otherwise. */
  hopTimes: HopTime[] | null = null;

  constructor(private readonly pool: AgentPool) {}

  private cookieHeader(url: URL): string {
    const cookies = this.jar.get(url.host);
    if (cookies === undefined) return '';
    return cookies
      .filter((c) => url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private remember(url: URL, setCookie: string[] | undefined): void {
    if (setCookie === undefined) return;
    let cookies = this.jar.get(url.host) ?? [];
    for (const line of setCookie) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let cookiePath = '/';
      let expired = false;
      for (const attr of attrs) {
        const sep = attr.indexOf('=');
        const key = (sep < 0 ? attr : attr.slice(0, sep)).trim().toLowerCase();
        const val = sep < 0 ? '' : attr.slice(sep + 1).trim();
        if (key === 'path' && val !== '') cookiePath = val;
        else if (key === 'max-age' && Number(val) <= 0) expired = true;
        else if (key === 'expires' && Date.parse(val) < Date.now()) expired = true;
      }
      cookies = cookies.filter((c) => !(c.name === name && c.path === cookiePath));
      if (!expired) cookies.push({ name, value, path: cookiePath });
    }
    this.jar.set(url.host, cookies);
  }

  /** One request; redirects are not followed. */
  async request(target: string, init: RequestInit = {}): Promise<Hop> {
    const url = new URL(target);
    if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) {
      throw new LoopbackRefused(`the benchmark only talks to loopback, not ${url.origin}`);
    }
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(url);
    if (cookie !== '') headers.cookie = cookie;
    let payload: string | undefined;
    if (init.form !== undefined) {
      payload = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const method = init.method ?? (payload !== undefined ? 'POST' : 'GET');
    const started = this.hopTimes !== null ? performance.now() : 0;
    const res = await this.pool.poolFor(url.origin).request({
      path: url.pathname + url.search,
      method,
      headers,
      body: payload,
    });
    const setCookie = res.headers['set-cookie'];
    this.remember(url, setCookie === undefined ? undefined : Array.isArray(setCookie) ? setCookie : [setCookie]);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.body.destroy();
        throw new Error(`answer from ${url.pathname} is larger than ${MAX_BODY} bytes`);
      }
      chunks.push(chunk);
    }
    const location = res.headers.location;
    this.hopTimes?.push({ hop: `${method} ${url.pathname}`, origin: url.origin, ms: performance.now() - started });
    return {
      url: target,
      status: res.statusCode,
      location: typeof location === 'string' ? new URL(location, url).toString() : null,
      body: Buffer.concat(chunks).toString('utf8'),
    };
  }

  /** Follows redirects (GET after any 30x) up to `maxHops`, returning the last answer. */
  async follow(target: string, init: RequestInit = {}, maxHops = 10): Promise<{ last: Hop; hops: number }> {
    let hop = await this.request(target, init);
    let hops = 1;
    while (hop.location !== null && hop.status >= 300 && hop.status < 400) {
      if (hops >= maxHops) throw new Error(`more than ${maxHops} redirects from ${target}`);
      hop = await this.request(hop.location, { headers: init.headers });
      hops += 1;
    }
    return { last: hop, hops };
  }
}

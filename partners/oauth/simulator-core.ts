/**
 * The OAuth machinery both partner simulators share: an HTTP server on 127.0.0.1 with an authorize
 * endpoint (a browser session at the partner, or a configured signed-in user, answers at once with
 * a code, as a real partner session does), a token endpoint (client authentication the partner's
 * way; codes single-use and short-lived; PKCE when the request carried a challenge), bearer-token
 * API routes supplied by the partner's simulator, fault knobs and counters. Partner knowledge (paths,
 * answer shapes) lives in partners/<partner>/simulator.ts.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { escapeHtml } from '../../src/server/html';
import type { ClientAuth } from './partner-http';

/** `invalid_client`: the partner refuses the client's credentials (401), as after a secret was rotated there. */
export type TokenFault = 'error_500' | 'timeout' | 'malformed_json' | 'missing_access_token' | 'invalid_client';
export type UserInfoFault = 'error_500' | 'timeout' | 'malformed_json' | 'missing_fields';

export interface SimFaults {
  token?: TokenFault;
  userInfo?: UserInfoFault;
  /** The userInfo fault hits only API paths starting with this (e.g. `/v3.0/users/`); every API path when unset. */
  userInfoPath?: string;
  /** The authorize endpoint redirects back without the state it was given: a misbehaving partner. */
  dropState?: boolean;
}

export interface SimCounters {
  authorizeRequests: number;
  codesIssued: number;
  tokenRequests: number;
  tokensIssued: number;
  /** Token requests refused, by OAuth error code (`invalid_grant`, `invalid_client`, ...). */
  tokenRejections: Record<string, number>;
  userInfoRequests: number;
}

/** How each token request authenticated the client, for tests that check the partner's way is used. */
export interface TokenRequestRecord {
  clientAuth: ClientAuth | 'none';
  secretInBody: boolean;
  codeVerifier: boolean;
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

export interface SimulatorProfile<U extends { id: string }> {
  name: string;
  clientAuth: ClientAuth;
  paths: { authorize: string; token: string };
  codeTtlMs: number;
  /** Reject token requests without `grant_type=authorization_code` (Clever documents it; ClassLink does not). */
  requireGrantType: boolean;
  requireScope: boolean;
  /** Extra query parameters on the redirect back (ClassLink adds `response_type=code`). */
  callbackExtras?: Record<string, string>;
  /** Whether this user may answer this authorization request (Clever: the `district_id` hint). */
  acceptsUser?(user: U, params: URLSearchParams): boolean;
  tokenAnswer(accessToken: string, user: U, clientId: string): Record<string, unknown>;
  /** Answers an API path for the token's user, or null when the path is not an API route. */
  api(path: string, user: U, missingFields: boolean): ApiAnswer | null;
  describeUser(user: U): string;
}

export interface SimulatorOptions {
  clientId: string;
  clientSecret: string;
  /** Registered redirect URIs; the first is where portal launches land. More can be added later. */
  redirectUris?: string[];
  now?: () => Date;
  host?: string;
  /** The app's name on its portal tile (the sandbox's portal page); defaults to LaunchGate. */
  appName?: string;
}

interface Grant {
  userId: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
  codeChallenge: string | null;
  tokens: string[];
}

const SESSION_COOKIE = 'sim_session';
const TOKEN_TTL_MS = 60 * 60_000;

function random(prefix = ''): string {
  return prefix + randomBytes(24).toString('hex');
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function htmlPage(res: ServerResponse, status: number, title: string, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 64 * 1024) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

export class OAuthSimulator<U extends { id: string }> {
  readonly counters: SimCounters = { authorizeRequests: 0, codesIssued: 0, tokenRequests: 0, tokensIssued: 0, tokenRejections: {}, userInfoRequests: 0 };
  readonly tokenRequests: TokenRequestRecord[] = [];
  private readonly users = new Map<string, U>();
  private readonly sessions = new Map<string, string>();
  private readonly grants = new Map<string, Grant>();
  private readonly tokens = new Map<string, { userId: string; expiresAt: number }>();
  private readonly redirectUris: string[];
  private readonly now: () => Date;
  private signedInUserId: string | null = null;
  private latencyMs = 0;
  private faults: SimFaults = {};
  private server: http.Server | null = null;
  private base = '';

  constructor(
    private readonly profile: SimulatorProfile<U>,
    private readonly options: SimulatorOptions,
  ) {
    this.redirectUris = [...(options.redirectUris ?? [])];
    this.now = options.now ?? (() => new Date());
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      this.route(req, res).catch(() => {
        if (!res.headersSent) json(res, 500, { error: 'server_error' });
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, this.options.host ?? '127.0.0.1', resolve));
    const { address, port } = server.address() as AddressInfo;
    this.base = `http://${address}:${port}`;
    this.server = server;
    return this;
  }

  /** Also drops requests the `timeout` faults are holding open. */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get baseUrl(): string {
    return this.base;
  }
  get authorizeUrl(): string {
    return this.base + this.profile.paths.authorize;
  }
  get tokenUrl(): string {
    return this.base + this.profile.paths.token;
  }
  get apiUrl(): string {
    return this.base;
  }
  get clientId(): string {
    return this.options.clientId;
  }
  get clientSecret(): string {
    return this.options.clientSecret;
  }

  addRedirectUri(uri: string): void {
    if (!this.redirectUris.includes(uri)) this.redirectUris.push(uri);
  }

  putUser(user: U): U {
    this.users.set(user.id, user);
    return user;
  }

  getUser(id: string): U | undefined {
    return this.users.get(id);
  }

  /** The user signed in at the partner for any browser without its own session; null for nobody. */
  signIn(userId: string | null): void {
    if (userId !== null && !this.users.has(userId)) throw new Error(`${this.profile.name} simulator: unknown user ${userId}`);
    this.signedInUserId = userId;
  }

  /** Ends every partner session, including browser sessions from portal launches. */
  signOutEverywhere(): void {
    this.signedInUserId = null;
    this.sessions.clear();
  }

  setFaults(faults: SimFaults): void {
    this.faults = { ...faults };
  }

  clearFaults(): void {
    this.faults = {};
  }

  /** Delays every answer, like a partner across the internet (benchmarks); 0 to answer at once. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** A link that signs the browser in as the user and lands on the first redirect URI with only a code. */
  portalLaunchUrl(userId: string): string {
    return `${this.base}/sim/portal?user=${encodeURIComponent(userId)}`;
  }

  /**
   * The partner's portal as the signed-in user sees it (the sandbox shows it): the browser is signed
   * in as the user, and the app's tile is a portal launch (`portalLaunchUrl`).
   */
  portalHomeUrl(userId: string): string {
    return `${this.base}/sim/home?user=${encodeURIComponent(userId)}`;
  }

  /**
   * Signs the browser in at the partner as the user, then sends it to `next`: a person already
   * signed in at the partner who clicks "Log in with …" on the app. `next` must be on the origin of
   * a registered redirect URI, so this is no open redirect.
   */
  signInUrl(userId: string, next: string): string {
    return `${this.base}/sim/signin?user=${encodeURIComponent(userId)}&next=${encodeURIComponent(next)}`;
  }

  /** Marks a code as exchanged, as if someone else had redeemed it first. */
  burnCode(code: string): void {
    const grant = this.grants.get(code);
    if (grant) grant.used = true;
  }

  isCodeUsed(code: string): boolean {
    return this.grants.get(code)?.used ?? false;
  }

  /** Every access token issued so far (tests check none leaks into a page or a log). */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const url = new URL(req.url ?? '/', this.base);
    const path = url.pathname;
    if (req.method === 'GET' && path === this.profile.paths.authorize) return this.authorize(req, res, url.searchParams);
    if (req.method === 'POST' && path === this.profile.paths.token) return this.token(req, res);
    if (req.method === 'GET' && path === '/sim/portal') return this.portal(res, url.searchParams);
    if (req.method === 'GET' && path === '/sim/login') return this.login(res, url.searchParams);
    if (req.method === 'GET' && path === '/sim/home') return this.home(res, url.searchParams);
    if (req.method === 'GET' && path === '/sim/signin') return this.signInThenContinue(res, url.searchParams);
    if (req.method === 'GET') return this.api(req, res, path);
    json(res, 404, { error: 'not_found' });
  }

  /** Zeroes the counters and the token-request record (a benchmark measures from here). */
  resetCounters(): void {
    Object.assign(this.counters, { authorizeRequests: 0, codesIssued: 0, tokenRequests: 0, tokensIssued: 0, tokenRejections: {}, userInfoRequests: 0 });
    this.tokenRequests.length = 0;
  }

  /** Long benchmark runs would otherwise keep every code and token forever. */
  private sweep(): void {
    const now = this.now().getTime();
    for (const [code, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(code);
    for (const [token, held] of this.tokens) if (held.expiresAt <= now) this.tokens.delete(token);
  }

  private issueCode(userId: string, redirectUri: string, codeChallenge: string | null): string {
    if (this.counters.codesIssued % 1000 === 999) this.sweep();
    const code = random();
    this.grants.set(code, { userId, redirectUri, expiresAt: this.now().getTime() + this.profile.codeTtlMs, used: false, codeChallenge, tokens: [] });
    this.counters.codesIssued += 1;
    return code;
  }

  private redirectBack(res: ServerResponse, redirectUri: string, params: Record<string, string>): void {
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
    res.end();
  }

  private sessionUser(req: IncomingMessage): U | undefined {
    const session = cookieValue(req, SESSION_COOKIE);
    const id = (session !== null ? this.sessions.get(session) : undefined) ?? this.signedInUserId ?? undefined;
    return id !== undefined ? this.users.get(id) : undefined;
  }

  private startSession(res: ServerResponse, userId: string): void {
    const session = random();
    this.sessions.set(session, userId);
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax`);
  }

  private authorize(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): void {
    this.counters.authorizeRequests += 1;
    const redirectUri = params.get('redirect_uri') ?? this.redirectUris[0];
    // Never redirect to an address the app did not register: show an error page instead.
    if (params.get('client_id') !== this.options.clientId) {
      return htmlPage(res, 400, 'Unknown client', `<h1>${this.profile.name}: unknown client_id</h1>`);
    }
    if (redirectUri === undefined || !this.redirectUris.includes(redirectUri)) {
      return htmlPage(res, 400, 'Unregistered redirect URI', `<h1>${this.profile.name}: redirect_uri is not registered for this app</h1>`);
    }
    const state = params.get('state');
    const back = (extra: Record<string, string>) =>
      this.redirectBack(res, redirectUri, { ...extra, ...(state !== null && !this.faults.dropState ? { state } : {}) });
    if (params.get('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
    if (this.profile.requireScope && !params.get('scope')) return back({ error: 'invalid_scope' });
    const challenge = params.get('code_challenge');
    if (challenge !== null && params.get('code_challenge_method') !== 'S256') return back({ error: 'invalid_request' });

    const user = this.sessionUser(req);
    if (user === undefined || (this.profile.acceptsUser && !this.profile.acceptsUser(user, params))) {
      return this.loginPage(res, params);
    }
    const code = this.issueCode(user.id, redirectUri, challenge);
    back({ code, ...this.profile.callbackExtras });
  }

  /** What a person without a partner session sees: pick a user (the demo uses this). */
  private loginPage(res: ServerResponse, params: URLSearchParams): void {
    const returnTo = `${this.profile.paths.authorize}?${params.toString()}`;
    const candidates = [...this.users.values()].filter((u) => !this.profile.acceptsUser || this.profile.acceptsUser(u, params));
    const items = candidates
      .map((u) => `<li><a href="/sim/login?user=${encodeURIComponent(u.id)}&amp;return=${encodeURIComponent(returnTo)}">${escapeHtml(this.profile.describeUser(u))}</a></li>`)
      .join('');
    htmlPage(res, 200, `Sign in to ${this.profile.name}`, `<h1>Sign in to ${escapeHtml(this.profile.name)} (simulator)</h1><ul>${items}</ul>`);
  }

  private login(res: ServerResponse, params: URLSearchParams): void {
    const user = this.users.get(params.get('user') ?? '');
    const returnTo = params.get('return') ?? '';
    if (user === undefined || !returnTo.startsWith('/') || returnTo.startsWith('//')) {
      return htmlPage(res, 400, 'Bad login', '<h1>Unknown user or return address</h1>');
    }
    this.startSession(res, user.id);
    res.writeHead(302, { location: returnTo, 'cache-control': 'no-store' });
    res.end();
  }

  /** A portal page with the app's tile; opening it signs the browser in as the user. */
  private home(res: ServerResponse, params: URLSearchParams): void {
    const user = this.users.get(params.get('user') ?? '');
    if (user === undefined) return htmlPage(res, 400, 'Unknown user', '<h1>Unknown user</h1>');
    this.startSession(res, user.id);
    const name = escapeHtml(this.profile.name);
    const app = escapeHtml(this.options.appName ?? 'LaunchGate');
    htmlPage(
      res,
      200,
      `${this.profile.name} portal`,
      `<style>body{font-family:system-ui,sans-serif;margin:0;background:#eef2f7;color:#1d2330}header{background:#243b6b;color:#fff;padding:.8rem 1.2rem}` +
        `main{padding:1.2rem}.tile{display:inline-flex;flex-direction:column;align-items:center;justify-content:center;width:9rem;height:7rem;` +
        `background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.2);text-decoration:none;color:#1d2330;font-weight:600}` +
        `.tile:focus{outline:3px solid #f0a500}.icon{font-size:2rem}</style>` +
        `<header><strong>${name}</strong> portal (simulator) · signed in as ${escapeHtml(this.profile.describeUser(user))}</header>` +
        `<main><h1>Your apps</h1><a class="tile" data-testid="app-tile" href="/sim/portal?user=${encodeURIComponent(user.id)}">` +
        `<span class="icon" aria-hidden="true">▶</span>${app}</a>` +
        `<p>Clicking the tile is a portal launch: ${name} sends the app an authorization code and no state.</p></main>`,
    );
  }

  private signInThenContinue(res: ServerResponse, params: URLSearchParams): void {
    const user = this.users.get(params.get('user') ?? '');
    let next: URL | null = null;
    try {
      next = new URL(params.get('next') ?? '');
    } catch {
      next = null;
    }
    const allowed = next !== null && this.redirectUris.some((uri) => new URL(uri).origin === next.origin);
    if (user === undefined || next === null || !allowed) {
      return htmlPage(res, 400, 'Bad sign-in', '<h1>Unknown user, or a next address that is not a registered app</h1>');
    }
    this.startSession(res, user.id);
    res.writeHead(302, { location: next.toString(), 'cache-control': 'no-store' });
    res.end();
  }

  /** A click on the app's icon in the portal: the partner signs the browser in and sends only a code. */
  private portal(res: ServerResponse, params: URLSearchParams): void {
    const user = this.users.get(params.get('user') ?? '');
    const redirectUri = this.redirectUris[0];
    if (user === undefined || redirectUri === undefined) {
      return htmlPage(res, 400, 'Bad portal launch', '<h1>Unknown user, or no redirect URI registered</h1>');
    }
    this.counters.authorizeRequests += 1;
    this.startSession(res, user.id);
    this.redirectBack(res, redirectUri, { code: this.issueCode(user.id, redirectUri, null) });
  }

  private reject(res: ServerResponse, status: number, error: string, description: string): void {
    this.counters.tokenRejections[error] = (this.counters.tokenRejections[error] ?? 0) + 1;
    json(res, status, { error, error_description: description });
  }

  private clientAuth(req: IncomingMessage, form: URLSearchParams): { method: ClientAuth | 'none'; ok: boolean } {
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const ok = colon > 0 && decoded.slice(0, colon) === this.options.clientId && sameSecret(decoded.slice(colon + 1), this.options.clientSecret);
      return { method: 'basic', ok };
    }
    const id = form.get('client_id');
    const secret = form.get('client_secret');
    if (id !== null && secret !== null) {
      return { method: 'body', ok: id === this.options.clientId && sameSecret(secret, this.options.clientSecret) };
    }
    return { method: 'none', ok: false };
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counters.tokenRequests += 1;
    const raw = await readBody(req);
    const form = (req.headers['content-type'] ?? '').includes('application/json')
      ? new URLSearchParams(Object.entries(JSON.parse(raw) as Record<string, string>))
      : new URLSearchParams(raw);
    const auth = this.clientAuth(req, form);
    this.tokenRequests.push({ clientAuth: auth.method, secretInBody: form.has('client_secret'), codeVerifier: form.has('code_verifier') });

    switch (this.faults.token) {
      case 'timeout':
        return; // held open until the caller gives up or the simulator stops
      case 'error_500':
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<h1>Internal Server Error</h1>');
        return;
      case 'malformed_json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"access_token": "');
        return;
      case 'invalid_client':
        // RFC 6749 §5.2: 401 with a challenge for the scheme the client tried, whatever it sent.
        res.setHeader('www-authenticate', 'Basic realm="oauth"');
        return this.reject(res, 401, 'invalid_client', 'client authentication failed');
      default:
        break;
    }

    // The partner's own way only: a ClassLink-style request to Clever is refused, and vice versa.
    if (!auth.ok || auth.method !== this.profile.clientAuth) return this.reject(res, 401, 'invalid_client', 'client authentication failed');
    const grantType = form.get('grant_type');
    if ((grantType ?? (this.profile.requireGrantType ? '' : 'authorization_code')) !== 'authorization_code') {
      return this.reject(res, 400, 'unsupported_grant_type', 'grant_type must be authorization_code');
    }
    const code = form.get('code') ?? '';
    const grant = this.grants.get(code);
    if (grant === undefined) return this.reject(res, 400, 'invalid_grant', 'unknown code');
    if (grant.used) {
      // A replayed code also revokes what it bought (RFC 6749 §4.1.2).
      for (const t of grant.tokens) this.tokens.delete(t);
      return this.reject(res, 400, 'invalid_grant', 'code already used');
    }
    grant.used = true;
    if (grant.expiresAt <= this.now().getTime()) return this.reject(res, 400, 'invalid_grant', 'code expired');
    const redirectUri = form.get('redirect_uri');
    if (redirectUri !== null && redirectUri !== grant.redirectUri) return this.reject(res, 400, 'invalid_grant', 'redirect_uri differs from the authorization request');
    if (grant.codeChallenge !== null) {
      const verifier = form.get('code_verifier') ?? '';
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge) {
        return this.reject(res, 400, 'invalid_grant', 'code_verifier does not match the code_challenge');
      }
    }
    const user = this.users.get(grant.userId);
    if (user === undefined) return this.reject(res, 400, 'invalid_grant', 'user no longer exists');

    const accessToken = random(this.profile.clientAuth === 'basic' ? 'il' : '');
    this.tokens.set(accessToken, { userId: user.id, expiresAt: this.now().getTime() + TOKEN_TTL_MS });
    grant.tokens.push(accessToken);
    this.counters.tokensIssued += 1;
    if (this.faults.token === 'missing_access_token') {
      json(res, 200, { token_type: 'bearer' });
      return;
    }
    json(res, 200, this.profile.tokenAnswer(accessToken, user, this.options.clientId));
  }

  private api(req: IncomingMessage, res: ServerResponse, path: string): void {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const held = this.tokens.get(token);
    const user = held !== undefined && held.expiresAt > this.now().getTime() ? this.users.get(held.userId) : undefined;
    if (user === undefined) {
      json(res, 401, { error: 'invalid_token' });
      return;
    }
    const fault = this.faults.userInfoPath === undefined || path.startsWith(this.faults.userInfoPath) ? this.faults.userInfo : undefined;
    const answer = this.profile.api(path, user, fault === 'missing_fields');
    if (answer === null) {
      json(res, 404, { error: 'not_found' });
      return;
    }
    this.counters.userInfoRequests += 1;
    switch (fault) {
      case 'timeout':
        return;
      case 'error_500':
        json(res, 500, { error: 'internal' });
        return;
      case 'malformed_json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>Service Unavailable</html>');
        return;
      default:
        json(res, answer.status, answer.body);
    }
  }
}

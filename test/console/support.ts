/**
 * The console (and the admin API beside it) on 127.0.0.1:<random port> over a SQLite store, with a
 * clock the test moves, cheap password hashing, and a cookie-keeping client that knows the
 * console's forms. Seeding goes through the store; what is under test goes through HTTP.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAdminApiRouter } from '../../src/admin/api';
import { hashPassword, TEST_SCRYPT, type SessionPolicy, type SignInPolicy } from '../../src/admin/accounts';
import { generateToken, hashToken } from '../../src/admin/auth';
import { createConsoleRouter } from '../../src/admin/console';
import { productCatalog } from '../../src/provisioning/product';
import type { AdminAccount, AdminRole } from '../../src/store/model';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite';
import { TestClient, type Hop } from '../support/client';

export const PRODUCTS = productCatalog([
  { id: 'studio', name: 'Studio', launchUrl: 'https://studio.example/launch', jitEligible: true },
  { id: 'notes', name: 'Notes', launchUrl: 'https://notes.example/launch', jitEligible: false },
]);

export const PASSWORD = 'correct horse battery staple';

export class Clock {
  private ms = Date.now();
  readonly now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface ConsoleOptions {
  sessionPolicy?: SessionPolicy;
  signInPolicy?: SignInPolicy;
  resolveTxt?: (name: string) => Promise<string[][]>;
  /** Another console on the same SQLite file: a second process, as far as the store can tell. */
  sqliteFile?: string;
  /** PUBLIC_URL when not the server's own address (e.g. https, to see Secure cookies). */
  publicUrl?: string;
  clock?: Clock;
}

export interface ConsoleWorld {
  baseUrl: string;
  store: SqliteStore;
  clock: Clock;
  sqliteFile: string;
  operatorToken: string;
  /** Creates an account with PASSWORD (cheaply hashed). */
  account(email: string, role: AdminRole, orgId?: string | null): Promise<AdminAccount>;
  /** A client signed in as the account. */
  signedIn(email: string): Promise<ConsoleClient>;
  client(): ConsoleClient;
  close(): Promise<void>;
}

export async function startConsole(options: ConsoleOptions = {}): Promise<ConsoleWorld> {
  const clock = options.clock ?? new Clock();
  const dir = options.sqliteFile ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-console-'));
  const sqliteFile = options.sqliteFile ?? path.join(dir!, 'console.sqlite');
  const store = openSqliteStore({ file: sqliteFile, now: clock.now });
  await store.init();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const publicUrl = new URL(options.publicUrl ?? baseUrl);
  const app = express();
  // Set explicitly (as TRUST_PROXY's default): the throttle tests name client addresses in X-Forwarded-For over loopback.
  app.set('trust proxy', 'loopback');
  app.use((_req, res, next) => {
    res.locals.requestId = randomUUID();
    next();
  });
  const resolveTxt = options.resolveTxt ?? (async () => Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' })));
  app.use('/api/v1', createAdminApiRouter({ store, products: PRODUCTS, now: clock.now, resolveTxt }));
  app.use(
    '/admin',
    createConsoleRouter({
      store,
      products: PRODUCTS,
      publicUrl,
      localHttp: publicUrl.protocol === 'http:',
      now: clock.now,
      resolveTxt,
      scrypt: TEST_SCRYPT,
      sessionPolicy: options.sessionPolicy,
      signInPolicy: options.signInPolicy,
    }),
  );
  server.on('request', app);
  const operatorToken = generateToken();
  await store.createApiToken({ name: 'operator', role: 'operator', orgId: null, tokenHash: hashToken(operatorToken) });

  const world: ConsoleWorld = {
    baseUrl,
    store,
    clock,
    sqliteFile,
    operatorToken,
    async account(email, role, orgId = null) {
      return store.createAdminAccount({ email, role, orgId, passwordHash: await hashPassword(PASSWORD, TEST_SCRYPT) });
    },
    async signedIn(email) {
      const client = world.client();
      const hop = await client.signIn(email, PASSWORD);
      if (hop.status !== 303 || !hop.location?.endsWith('/admin')) throw new Error(`sign-in as ${email} failed: ${hop.status} ${hop.body.slice(0, 300)}`);
      return client;
    },
    client: () => new ConsoleClient(baseUrl),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

const CSRF_FIELD = /name="_csrf" value="([^"]*)"/;

/** A browser-like client for the console: keeps cookies and the CSRF token of the last page. */
export class ConsoleClient extends TestClient {
  csrf = '';

  constructor(readonly baseUrl: string) {
    super();
  }

  async get(pathname: string, headers: Record<string, string> = {}): Promise<Hop> {
    const hop = await this.request(this.baseUrl + pathname, { headers });
    const match = CSRF_FIELD.exec(hop.body);
    if (match) this.csrf = match[1]!;
    return hop;
  }

  /** Posts a form with the session's CSRF token (unless the form names its own `_csrf`). */
  async post(pathname: string, form: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<Hop> {
    if (this.csrf === '') await this.get('/admin');
    return this.request(this.baseUrl + pathname, { method: 'POST', form: { _csrf: this.csrf, ...form }, headers });
  }

  /** Posts, then follows the redirect once and returns the page it lands on. */
  async submit(pathname: string, form: Record<string, string> = {}): Promise<Hop> {
    const hop = await this.post(pathname, form);
    if (hop.status !== 303 || hop.location === null) return hop;
    return this.get(new URL(hop.location).pathname + new URL(hop.location).search);
  }

  async signIn(email: string, password: string, headers: Record<string, string> = {}): Promise<Hop> {
    const page = await this.get('/admin/login', headers);
    const token = CSRF_FIELD.exec(page.body)?.[1] ?? '';
    const hop = await this.request(`${this.baseUrl}/admin/login`, { method: 'POST', form: { _csrf: token, email, password }, headers });
    if (hop.status === 303) {
      this.csrf = '';
      await this.get('/admin');
    }
    return hop;
  }
}

/** The text a person would read: tags dropped, entities decoded, whitespace collapsed. */
export function textOf(body: string): string {
  return body
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface SeededOrg {
  orgId: string;
  directoryId: string;
  domainId: string;
  connectionId: string;
  userId: string;
  tokenId: string;
  adminId: string;
  adminEmail: string;
}

/** An organization with one of everything the console shows, and an admin account for it. */
export async function seedOrg(w: ConsoleWorld, name: string): Promise<SeededOrg> {
  const { store } = w;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const org = await store.createOrganization({ name });
  const directory = await store.createDirectory({ orgId: org.id, name: `${name} staff`, jitEnabled: true });
  const domain = await store.claimDomain({ orgId: org.id, directoryId: directory.id, name: `${slug}.example`, verificationToken: randomUUID() });
  const connection = await store.createConnection({
    status: 'linked',
    orgId: org.id,
    directoryId: directory.id,
    settings: { partner: 'clever', districtId: `district-${slug}` },
    enabled: true,
    trustEmail: true,
    label: null,
  });
  await store.setEntitlement(org.id, 'studio', 10);
  const { user } = await store.createUser({
    orgId: org.id,
    directoryId: directory.id,
    email: `pat@${slug}.example`,
    givenName: 'Pat',
    familyName: name,
    displayName: null,
    roles: ['teacher'],
    rawRoles: [],
    createdBy: 'admin',
    lastLaunchAt: null,
  });
  await store.assignLicense({ userId: user.id, orgId: org.id, directoryId: directory.id, productId: 'studio', source: 'admin' });
  const token = await store.createApiToken({ name: `${name} sync`, role: 'org_admin', orgId: org.id, tokenHash: hashToken(generateToken()) });
  const adminEmail = `admin@${slug}.example`;
  const admin = await w.account(adminEmail, 'org_admin', org.id);
  return { orgId: org.id, directoryId: directory.id, domainId: domain.id, connectionId: connection.id, userId: user.id, tokenId: token.id, adminId: admin.id, adminEmail };
}

/**
 * The admin API on 127.0.0.1:<random port> over a fresh in-memory SQLite store, and a small client.
 * Seeding goes through the store; what is under test goes through HTTP.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAdminApiRouter } from '../../src/admin/api';
import { generateToken, hashToken } from '../../src/admin/auth';
import { productCatalog } from '../../src/provisioning/product';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/port';

export const PRODUCTS = productCatalog([
  { id: 'studio', name: 'Studio', launchUrl: 'https://studio.example/launch', jitEligible: true },
  { id: 'notes', name: 'Notes', launchUrl: 'https://notes.example/launch', jitEligible: false },
]);

export interface ApiResponse {
  status: number;
  headers: Headers;
  // The API's JSON, loosely typed on purpose: tests assert on its fields.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOptions {
  /** A token, or null to send no Authorization header; the operator's by default. */
  token?: string | null;
  body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApi {
  baseUrl: string;
  store: Store;
  operatorToken: string;
  call(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** Creates an org_admin token row for the organization and returns the plain token. */
  orgAdminToken(orgId: string): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  resolveTxt?: (name: string) => Promise<string[][]>;
  now?: () => Date;
  /** As NODE_ENV=production wires it: partner endpoints on private addresses are refused. */
  refusePrivateHosts?: boolean;
}

export async function startApi(options: StartOptions = {}): Promise<TestApi> {
  const store = openSqliteStore({ file: ':memory:' });
  await store.init();
  const app = express();
  app.use('/api/v1', createAdminApiRouter({ store, products: PRODUCTS, resolveTxt: options.resolveTxt ?? noDns, now: options.now, refusePrivateHosts: options.refusePrivateHosts }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;

  const operatorToken = generateToken();
  await store.createApiToken({ name: 'operator', role: 'operator', orgId: null, tokenHash: hashToken(operatorToken) });

  return {
    baseUrl,
    store,
    operatorToken,
    async call(method, path, opts = {}) {
      const token = opts.token === undefined ? operatorToken : opts.token;
      const headers: Record<string, string> = { ...(token !== null && { authorization: `Bearer ${token}` }), ...opts.headers };
      let payload: string | undefined = opts.rawBody;
      if (payload === undefined && opts.body !== undefined) payload = JSON.stringify(opts.body);
      if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(baseUrl + path, { method, headers, body: payload });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
    },
    async orgAdminToken(orgId) {
      const token = generateToken();
      await store.createApiToken({ name: `admin of ${orgId}`, role: 'org_admin', orgId, tokenHash: hashToken(token) });
      return token;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

/** A resolver for tests that do not look at DNS: nothing is ever published. */
export async function noDns(): Promise<string[][]> {
  throw Object.assign(new Error('queryTxt ENOTFOUND'), { code: 'ENOTFOUND' });
}

/** An organization with one directory, created through the API. */
export async function seedOrg(api: TestApi, name: string, jitEnabled = true): Promise<{ orgId: string; directoryId: string }> {
  const org = await api.call('POST', '/organizations', { body: { name } });
  if (org.status !== 201) throw new Error(`seeding ${name}: ${JSON.stringify(org.body)}`);
  const dir = await api.call('POST', `/organizations/${org.body.id}/directories`, { body: { name: `${name} staff`, jitEnabled } });
  if (dir.status !== 201) throw new Error(`seeding ${name} directory: ${JSON.stringify(dir.body)}`);
  return { orgId: org.body.id as string, directoryId: dir.body.id as string };
}

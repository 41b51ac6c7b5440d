import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAdminApiRouter } from '../../src/admin/api';
import { generateToken, hashToken } from '../../src/admin/auth';
import { StoreUnavailableError } from '../../src/store/errors';
import type { Store } from '../../src/store/port';
import { openSqliteStore } from '../../src/store/sqlite';
import { PRODUCTS } from './support';

/** When the store fails, the API answers JSON, logs what a person needs, and shows the caller nothing internal. */
describe('admin API: store failures', () => {
  const logged: Array<{ obj: object; msg?: string }> = [];
  let server: http.Server;
  let baseUrl: string;
  let token: string;
  let store: Store;

  before(async () => {
    store = openSqliteStore({ file: ':memory:' });
    await store.init();
    token = generateToken();
    await store.createApiToken({ name: 'op', role: 'operator', orgId: null, tokenHash: hashToken(token) });
    // Same store, with two operations that fail the way a broken database would.
    const failing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'listOrganizations') return async () => Promise.reject(new StoreUnavailableError('database is locked'));
        if (prop === 'getOrganization') return async () => Promise.reject(new Error('SQLITE_CORRUPT: secret internals'));
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const logger = {
      info: (obj: object, msg?: string) => logged.push({ obj, msg }),
      warn: (obj: object, msg?: string) => logged.push({ obj, msg }),
    };
    const app = express();
    app.use('/api/v1', createAdminApiRouter({ store: failing, products: PRODUCTS, logger }));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await store?.close();
  });

  const get = (path: string) => fetch(baseUrl + path, { headers: { authorization: `Bearer ${token}` } });

  it('answers 503 store_unavailable when the store cannot be reached', async () => {
    const res = await get('/organizations');
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'store_unavailable');
  });

  it('answers 500 JSON without internals for an unexpected error, and logs it', async () => {
    const res = await get('/organizations/some-id');
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'internal_error');
    assert.doesNotMatch(JSON.stringify(body), /SQLITE|secret/);
    assert.ok(logged.some((l) => l.msg === 'admin API request failed'));
  });
});

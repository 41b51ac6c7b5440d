/**
 * ltijs makes every outbound call through one `got` instance (`dist/Utils/Http`). We route it
 * through our fetch: a timeout and a size limit on every call, and, for dynamic registration, a
 * per-call context (AsyncLocalStorage) that adds the registration token where Canvas wants it,
 * refuses URLs the registration must not reach, and keeps the platform's answers for us.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { fetchJson, type FetchLike } from '../http';

export interface GotLikeOptions {
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}
type GotLikeCall = (url: string, options?: GotLikeOptions) => { json(): Promise<unknown> };
export interface GotLike {
  get: GotLikeCall;
  post: GotLikeCall;
}

export interface SeamContext {
  /** Sent as `Authorization: Bearer` unless ltijs set a header itself. */
  bearer?: string;
  /** Throws (or rejects) to refuse a call before it is made. */
  check(method: 'GET' | 'POST', url: string): void | Promise<void>;
  /** Sees every answer ltijs gets. */
  record(method: 'GET' | 'POST', url: string, body: unknown): void;
}

export interface HttpSeam {
  run<T>(context: SeamContext, fn: () => Promise<T>): Promise<T>;
}

export function installHttpSeam(client: GotLike, fetchImpl: FetchLike, timeoutMs = 10_000): HttpSeam {
  const contexts = new AsyncLocalStorage<SeamContext>();

  async function call(method: 'GET' | 'POST', url: string, options: GotLikeOptions = {}): Promise<unknown> {
    const context = contexts.getStore();
    await context?.check(method, url);
    const headers: Record<string, string> = { ...options.headers };
    if (context?.bearer && headers.Authorization === undefined && headers.authorization === undefined) {
      headers.authorization = `Bearer ${context.bearer}`;
    }
    let body: unknown;
    if (options.form) {
      // Only ltijs's access-token request posts a form; keep it a form.
      const response = await fetchImpl(url, {
        method,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(options.form).toString(),
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`${method} ${new URL(url).origin} answered ${response.status}`);
      body = (await response.json()) as unknown;
    } else {
      body = await fetchJson(fetchImpl, url, { method, headers, json: options.json, timeoutMs });
    }
    context?.record(method, url, body);
    return body;
  }

  client.get = (url, options) => ({ json: () => call('GET', url, options) });
  client.post = (url, options) => ({ json: () => call('POST', url, options) });
  return { run: (context, fn) => contexts.run(context, fn) };
}

/**
 * Outbound HTTP for the Canvas adapter (platform key sets, dynamic registration). Every call has a
 * timeout and a size limit, and fails with a code: a slow or hostile platform cannot hang a launch
 * or fill memory.
 */

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type HttpFailureCode = 'http_timeout' | 'http_network' | 'http_status' | 'http_too_large' | 'http_not_json';

export class HttpFailure extends Error {
  override readonly name = 'HttpFailure';
  constructor(
    readonly code: HttpFailureCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface JsonRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  json?: unknown;
  timeoutMs?: number;
  maxBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 512 * 1024;

/** Where a URL points, without its query (which may carry a registration token). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export async function fetchJson(fetchImpl: FetchLike, url: string, request: JsonRequest = {}): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | undefined;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    headers['content-type'] = 'application/json';
  }
  const where = describeUrl(url);
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: request.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new HttpFailure(timedOut ? 'http_timeout' : 'http_network', `${where} did not answer${timedOut ? ' in time' : ''}`, undefined, { cause: err });
  }
  const text = await readLimited(response, request.maxBytes ?? DEFAULT_MAX_BYTES, where);
  if (!response.ok) {
    throw new HttpFailure('http_status', `${where} answered ${response.status}`, response.status);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpFailure('http_not_json', `${where} did not answer with JSON`, response.status, { cause: err });
  }
}

async function readLimited(response: Response, maxBytes: number, where: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new HttpFailure('http_too_large', `${where} sent more than ${maxBytes} bytes`, response.status);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new HttpFailure('http_too_large', `${where} sent more than ${maxBytes} bytes`, response.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Cuts credentials out of log lines: the value of any credential key one level into a logged
 * field (`{ body: { token } }`, `{ err: { code } }`), and the authorization, cookie and set-cookie
 * headers of a logged request or response. The same cut as pino's `redact` with the paths in
 * REDACTED_PATHS (logger.ts), done without it: pino 9 redacts through @pinojs/redact, which parses
 * every path again for every field of every line (measured: a sixth of all the memory LaunchGate
 * allocated during a launch burst, for one log line per launch). Here the keys are a Set, and a
 * line with nothing to cut is not copied.
 *
 * Top-level keys are kept: a field named `code` is an exit or error code (cluster.ts), not a
 * credential; credentials arrive inside objects (a body, a query, a token response).
 */
import pino from 'pino';

export const CENSOR = '[redacted]';

export const CREDENTIAL_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'password',
  'token',
  'id_token',
  'access_token',
  'refresh_token',
  'client_secret',
  'clientSecret',
  'code',
  'secret',
  'assertion',
  'ltik',
]);

/** Headers cut from a logged `req` or `res`, at `<field>.headers.<name>`. */
const HEADERS_OF: ReadonlyMap<string, readonly string[]> = new Map([
  ['req', ['authorization', 'cookie']],
  ['res', ['set-cookie']],
]);

const hasOwn = (obj: object, key: string) => Object.prototype.hasOwnProperty.call(obj, key);

/** `value` with its own credential keys censored: itself if it has none, else a shallow copy. */
function censorChildren(value: object, headerNames: readonly string[] | undefined): object {
  let out: Record<string, unknown> | null = null;
  const copy = () => (out ??= { ...(value as Record<string, unknown>) });
  for (const key of Object.keys(value)) {
    if (CREDENTIAL_KEYS.has(key)) copy()[key] = CENSOR;
  }
  if (headerNames !== undefined) {
    const headers = (value as Record<string, unknown>).headers;
    if (headers !== null && typeof headers === 'object' && headerNames.some((h) => hasOwn(headers, h))) {
      const censored: Record<string, unknown> = { ...(headers as Record<string, unknown>) };
      for (const h of headerNames) if (hasOwn(censored, h)) censored[h] = CENSOR;
      copy().headers = censored;
    }
  }
  return out ?? value;
}

/**
 * pino's `formatters.log`: every field of a line but `err`, which its serializer below handles
 * (it must first become the plain object pino logs). Never changes the caller's objects.
 */
export function redactLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (key === 'err' || value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const censored = censorChildren(value, HEADERS_OF.get(key));
    if (censored !== value) (out ??= { ...fields })[key] = censored;
  }
  return out ?? fields;
}

/** pino's error serializer, then the same cut inside the serialized error (its own fresh object). */
export function serializeError(err: unknown): unknown {
  const serialized: unknown = pino.stdSerializers.err(err as Error);
  if (serialized === null || typeof serialized !== 'object') return serialized;
  // Not error-like: pino logs it as it is, so it is the caller's object and is copied if cut.
  if (serialized === err) return censorChildren(serialized, undefined);
  for (const key of Object.keys(serialized)) {
    if (CREDENTIAL_KEYS.has(key)) (serialized as Record<string, unknown>)[key] = CENSOR;
  }
  return serialized;
}

/**
 * Helmet's response headers, worked out once. Helmet computes every value again on each response
 * and re-validates the Content-Security-Policy whenever a directive is a function (our script
 * nonce): a dozen middleware calls, string building and allocations per response, three times per
 * launch. Our headers differ between responses only by that nonce, so helmet runs once here, with
 * a placeholder where the nonce goes, and each response gets the recorded headers with its own
 * nonce put in. Helmet stays the one place that says which headers we send and with what values.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** The CSP source of the response's script nonce (res.locals.cspNonce, set per request in app.ts). */
const nonceSource = (_req: unknown, res: unknown) => `'nonce-${String((res as Response).locals.cspNonce)}'`;

/** Our own pages (console, refusals): never framed. */
export function strictHelmet(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { directives: { 'script-src': ["'self'", nonceSource], 'frame-ancestors': ["'none'"] } },
    frameguard: { action: 'deny' },
  });
}

/** Pages a partner shows inside its own iframe (Canvas): framable by any origin, forms may post anywhere. */
export function framableHelmet(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { directives: { 'script-src': ["'self'", nonceSource], 'frame-ancestors': ['*'], 'form-action': null } },
    frameguard: false,
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
}

/** Stands where the nonce goes while helmet runs; base64url alphabet, like a real nonce. */
const PLACEHOLDER = 'LaunchGateNoncePlaceholder0';

/** A header value, split where the nonce goes (one part: no nonce). */
interface RecordedHeader {
  name: string;
  parts: string[];
}

export interface SecurityHeaders {
  /** Sets every header on `res`, with `nonce` where helmet's directive put the response's nonce. */
  apply(res: Response, nonce: string): void;
}

/**
 * Runs `helmetMiddleware` once against a recording response whose `res.locals.cspNonce` is a
 * placeholder. Fails at start-up (not on a request) if helmet refuses its options or the nonce
 * source does not read `res.locals.cspNonce`.
 */
export function recordSecurityHeaders(helmetMiddleware: RequestHandler): SecurityHeaders {
  const set = new Map<string, RecordedHeader>();
  const removed = new Set<string>();
  const recorder = {
    locals: { cspNonce: PLACEHOLDER },
    setHeader(name: string, value: unknown) {
      const text = Array.isArray(value) ? value.join(', ') : String(value);
      set.set(name.toLowerCase(), { name, parts: text.split(PLACEHOLDER) });
      removed.delete(name.toLowerCase());
    },
    removeHeader(name: string) {
      set.delete(name.toLowerCase());
      removed.add(name.toLowerCase());
    },
  };
  let failure: unknown = null;
  let done = false;
  helmetMiddleware({} as Request, recorder as unknown as Response, ((err?: unknown) => {
    done = true;
    if (err !== undefined) failure = err;
  }) as NextFunction);
  if (failure !== null) throw failure instanceof Error ? failure : new Error(String(failure));
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be recorded');
  const headers = [...set.values()];
  const toRemove = [...removed];
  return {
    apply(res: Response, nonce: string): void {
      for (const h of headers) res.setHeader(h.name, h.parts.length === 1 ? h.parts[0]! : h.parts.join(nonce));
      for (const name of toRemove) res.removeHeader(name);
    },
  };
}

/**
 * The edges of the admin API: JSON-only bodies, bearer authentication, and one error shape
 * `{error: {code, message, field?}}` for every failure, including those raised before a route runs
 * (malformed JSON, oversized bodies, unknown routes).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { StoreConflictError, StoreUnavailableError } from '../../store/errors';
import { authenticateBearer, type Actor } from '../auth';
import type { CallMeta } from '../services/deps';
import { AdminError } from '../services/errors';

export interface AdminLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
}

const REALM = 'Bearer realm="LaunchGate admin API"';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestMeta(req: Request, res: Response): CallMeta {
  const fromApp: unknown = res.locals.requestId;
  if (typeof fromApp === 'string') return { requestId: fromApp };
  const header = req.headers['x-request-id'];
  return { requestId: typeof header === 'string' && REQUEST_ID.test(header) ? header : null };
}

export function actorOf(res: Response): Actor {
  const actor = res.locals.adminActor as Actor | undefined;
  // Routes only run after authenticate(); reaching here without an actor is a wiring bug.
  if (actor === undefined) throw new AdminError('unauthorized', 'Not authenticated.');
  return actor;
}

export function authenticate(deps: Parameters<typeof authenticateBearer>[0], now: () => Date, logger?: AdminLogger): RequestHandler {
  return async (req, res, next) => {
    res.locals.adminActor = await authenticateBearer(deps, req.headers.authorization, {
      now,
      onTouchError: (err) => logger?.warn({ err }, 'could not record API token use'),
    });
    next();
  };
}

/** API answers carry tokens (domain verification values) and personal data: never cache them. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && Number(length) > 0);
}

export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (hasBody(req) && !req.is('application/json')) {
    throw new AdminError('unsupported_media_type', 'Send request bodies as JSON with "Content-Type: application/json".');
  }
  next();
};

export const unknownRoute: RequestHandler = (req) => {
  throw new AdminError('not_found', `There is no ${req.method} ${req.baseUrl}${req.path} in the admin API.`);
};

/** What body-parser raises: it marks client errors with a `type` and a `status`. */
interface ParserError {
  type?: unknown;
  status?: unknown;
}

function toAdminError(err: unknown): AdminError | null {
  if (err instanceof AdminError) return err;
  if (err instanceof StoreUnavailableError) return new AdminError('store_unavailable', 'The database is not reachable; try again shortly.');
  if (err instanceof StoreConflictError) return new AdminError('conflict', err.message);
  const parser = (typeof err === 'object' && err !== null ? err : {}) as ParserError;
  switch (parser.type) {
    case 'entity.parse.failed':
      return new AdminError('invalid_json', 'The request body is not valid JSON, or is not a JSON object or array.');
    case 'entity.too.large':
      return new AdminError('payload_too_large', 'The request body is larger than 100 kB.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AdminError('unsupported_media_type', 'Send request bodies as UTF-8 JSON.');
  }
  if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return new AdminError('invalid_input', 'The request could not be read.');
  }
  return null;
}

export function errorHandler(logger?: AdminLogger) {
  // Express needs four parameters to recognise an error handler.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let error = toAdminError(err);
    if (error === null) {
      const log = logger?.error ?? logger?.warn;
      log?.call(logger, { err, requestId: requestMeta(req, res).requestId, path: req.originalUrl }, 'admin API request failed');
      error = new AdminError('internal_error', 'Something went wrong on our side; the request was not completed.');
    }
    if (res.headersSent) return;
    if (error.code === 'unauthorized') {
      res.set('WWW-Authenticate', req.headers.authorization === undefined ? REALM : `${REALM}, error="invalid_token"`);
    }
    res.status(error.status).json({ error: { code: error.code, message: error.message, ...(error.field !== undefined && { field: error.field }) } });
  };
}

/**
 * The launch path's routes, found by method and exact path before Express walks its router.
 *
 * Why: a Canvas launch is three requests into LaunchGate (login, id_token post, product page) and
 * an OAuth launch three too. Express 5's router runs every layer it passes through (matchers,
 * params, a closure per step): its functions allocated 15% of the bytes LaunchGate allocated in a
 * Canvas burst, 6% once these routes were found here, by one Map lookup.
 *
 * Each route is also registered on the app as usual, so a spelling Express accepts and this table
 * does not (`/LTI/Launch`, a trailing slash, HEAD for GET) is still served, by the same handlers;
 * a request the table served skips that copy. Handlers behave as on an Express route: `next(err)`
 * and a rejected promise reach the app's error handler; `next()` passes to the next handler, and
 * after the last one (or on `next('route')`) to the rest of the app.
 */
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';

type Method = 'GET' | 'POST';

export class LaunchRoutes {
  private readonly routes = new Map<string, readonly RequestHandler[]>();
  /** Requests the table served: the app's copy of their route lets them pass. */
  private readonly served = new WeakSet<Request>();
  private readonly skipServed: RequestHandler = (req, _res, next) => (this.served.has(req) ? next('route') : next());

  constructor(private readonly app: Express) {}

  get(path: string, ...handlers: RequestHandler[]): void {
    this.add('GET', path, handlers);
    this.app.get(path, this.skipServed, ...handlers);
  }

  post(path: string, ...handlers: RequestHandler[]): void {
    this.add('POST', path, handlers);
    this.app.post(path, this.skipServed, ...handlers);
  }

  /** The middleware that serves the table; mounted ahead of every other route. */
  middleware(): RequestHandler {
    return (req: Request, res: Response, next: NextFunction): void => {
      const handlers = this.routes.get(`${req.method} ${req.path}`);
      if (handlers === undefined) {
        next();
        return;
      }
      this.served.add(req);
      runHandlers(handlers, 0, req, res, next);
    };
  }

  private add(method: Method, path: string, handlers: RequestHandler[]): void {
    const key = `${method} ${path}`;
    if (this.routes.has(key)) throw new Error(`launch route ${key} is registered twice`);
    if (handlers.length === 0) throw new Error(`launch route ${key} has no handler`);
    this.routes.set(key, handlers);
  }
}

function runHandlers(handlers: readonly RequestHandler[], index: number, req: Request, res: Response, done: NextFunction): void {
  const handler = handlers[index];
  if (handler === undefined) {
    done();
    return;
  }
  let called = false;
  const next = ((err?: unknown): void => {
    if (called) return;
    called = true;
    // 'route' and 'router' mean to Express's next what they mean on a route.
    if (err !== undefined && err !== null) done(err);
    else runHandlers(handlers, index + 1, req, res, done);
  }) as NextFunction;
  try {
    const result: unknown = handler(req, res, next);
    if (result instanceof Promise) result.catch((err: unknown) => next(err ?? new Error('a launch route rejected without a reason')));
  } catch (err) {
    next(err);
  }
}

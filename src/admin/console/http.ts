/**
 * The console's request edges: who is signed in, the CSRF and origin checks on every post, flash
 * messages, rendering, and one error page per kind of failure.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { html, type SafeHtml } from '../../server/html';
import { StoreUnavailableError } from '../../store/errors';
import { accountView, actorForAccount, credentialOf, sameSecret, type Flash } from '../accounts';
import type { CallMeta } from '../services/deps';
import { AdminError } from '../services/errors';
import { cookieNames, readCookie, type CookieNames } from './cookies';
import type { ConsoleRuntime, Signed } from './deps';
import { layout, type NavContext } from './views/layout';

export function names(rt: ConsoleRuntime): CookieNames {
  return cookieNames(rt.deps.localHttp);
}

export function signedOf(res: Response): Signed {
  const signed = res.locals.consoleSigned as Signed | undefined;
  // Routes behind requireSignedIn only; reaching here without a session is a wiring bug.
  if (signed === undefined) throw new AdminError('unauthorized', 'Not signed in.');
  return signed;
}

export function callMeta(res: Response): CallMeta {
  const id: unknown = res.locals.requestId;
  return { requestId: typeof id === 'string' ? id : null };
}

/** Finds the session of the request, if any, and the account behind it, still enabled and with the same password. */
export function loadSession(rt: ConsoleRuntime): RequestHandler {
  return async (req, res, next) => {
    const token = readCookie(req, names(rt).session);
    if (token !== null) {
      const session = await rt.sessions.load(token);
      const account = session === null ? null : await rt.accountDeps.accounts.getAdminAccount(session.accountId);
      const actor = account === null ? null : actorForAccount(account);
      if (session !== null && account !== null && actor !== null && sameSecret(session.credential, credentialOf(account))) {
        res.locals.consoleSigned = { account: accountView(account), actor, session, token } satisfies Signed;
      } else if (session !== null) {
        await rt.sessions.destroy(token);
      }
    }
    next();
  };
}

/** Only same-origin paths of the console: never an open redirect. */
export function safeNext(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 500) return null;
  if (!/^\/admin(\/|$|\?)/.test(value) || value.includes('\\') || value.startsWith('//')) return null;
  return value;
}

export const requireSignedIn: RequestHandler = (req, res, next) => {
  if (res.locals.consoleSigned !== undefined) return next();
  if (req.method === 'GET' || req.method === 'HEAD') {
    const next = safeNext(req.originalUrl);
    res.redirect(303, `/admin/login${next && next !== '/admin' ? `?next=${encodeURIComponent(next)}` : ''}`);
    return;
  }
  res.redirect(303, '/admin/login?expired=1');
};

export function errorPage(res: Response, status: number, title: string, message: string, signed?: Signed): void {
  if (res.headersSent) return;
  const body = html`<h1>${title}</h1><p>${message}</p><p><a href="/admin">Back to the console</a></p>`;
  res.status(status).type('html').send(layout({ title, body, account: signed?.account, csrf: signed?.session.csrf, narrow: signed === undefined }));
}

function forbiddenCsrf(res: Response, message: string): void {
  const signed = res.locals.consoleSigned as Signed | undefined;
  errorPage(res, 403, 'This form could not be accepted', message, signed);
}

/**
 * Every post must come from a page of this console: the browser's Origin (when it sends one) must
 * be ours, and the form must carry the session's synchronizer token.
 */
export function checkOrigin(rt: ConsoleRuntime): RequestHandler {
  const origin = rt.deps.publicUrl.origin;
  return (req, res, next) => {
    const sent = req.get('origin');
    const site = req.get('sec-fetch-site');
    // An opaque origin ("null": sandboxed frames, cross-site redirects) is not ours either.
    if ((sent !== undefined && sent !== origin) || site === 'cross-site') {
      forbiddenCsrf(res, `The form was sent from another site. Open the console at ${origin}/admin and try again.`);
      return;
    }
    next();
  };
}

export const requireCsrf: RequestHandler = (req, res, next) => {
  const signed = res.locals.consoleSigned as Signed | undefined;
  const sent = formText(req, '_csrf');
  if (signed === undefined || sent === '' || !sameSecret(sent, signed.session.csrf)) {
    forbiddenCsrf(res, 'The form did not carry a valid security token: it may be from an old page, or from another site. Go back, reload the page and try again.');
    return;
  }
  next();
};

/** A text field of a url-encoded form; repeated or missing fields read as empty. */
export function formText(req: Request, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value : '';
}

export function formChecked(req: Request, name: string): boolean {
  return formText(req, name) === 'on';
}

export function queryText(req: Request, name: string): string {
  const value = req.query[name];
  return typeof value === 'string' ? value.slice(0, 500) : '';
}

export function param(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== 'string' || value === '' || value.length > 128) throw new AdminError('not_found', 'No such page.');
  return value;
}

export async function saveFlash(rt: ConsoleRuntime, signed: Pick<Signed, 'session' | 'token'>, flash: Flash): Promise<void> {
  signed.session.flash = [...signed.session.flash.slice(-4), flash];
  await rt.sessions.save(signed.token, signed.session);
}

async function takeFlash(rt: ConsoleRuntime, signed: Signed): Promise<Flash[]> {
  const flash = signed.session.flash;
  if (flash.length === 0) return [];
  signed.session.flash = [];
  await rt.sessions.save(signed.token, signed.session);
  return flash;
}

export interface PageInput {
  title: string;
  body: SafeHtml;
  nav?: NavContext;
  current?: string;
  status?: number;
  /** Messages for this answer only, on top of those saved for it. */
  flash?: Flash[];
}

export async function render(rt: ConsoleRuntime, res: Response, input: PageInput): Promise<void> {
  const signed = signedOf(res);
  const flash = [...(await takeFlash(rt, signed)), ...(input.flash ?? [])];
  res
    .status(input.status ?? 200)
    .type('html')
    .send(layout({ ...input, flash, account: signed.account, csrf: signed.session.csrf }));
}

export interface ActionResult {
  redirect: string;
  flash?: Flash;
}

/**
 * A state-changing form post: run it, then redirect (post/redirect/get). A refusal the admin can
 * fix (invalid input, conflict, no seats) comes back as an error message on the page the form was
 * on; an id that is not theirs answers 404 like any missing page.
 */
export function action(
  rt: ConsoleRuntime,
  back: (req: Request, signed: Signed) => string | Promise<string>,
  run: (req: Request, res: Response, signed: Signed) => Promise<ActionResult>,
): RequestHandler {
  return async (req, res) => {
    const signed = signedOf(res);
    let result: ActionResult;
    try {
      result = await run(req, res, signed);
    } catch (error) {
      if (error instanceof AdminError && error.code !== 'not_found' && error.code !== 'internal_error' && error.code !== 'store_unavailable') {
        const to = await back(req, signed);
        await saveFlash(rt, signed, { kind: 'error', text: error.message });
        res.redirect(303, to);
        return;
      }
      throw error;
    }
    if (result.flash) await saveFlash(rt, signed, result.flash);
    res.redirect(303, result.redirect);
  };
}

export function consoleErrorHandler(rt: ConsoleRuntime) {
  // Express needs four parameters to recognise an error handler.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const signed = res.locals.consoleSigned as Signed | undefined;
    if (err instanceof AdminError && err.code === 'not_found') {
      errorPage(res, 404, 'Not found', 'There is no such page, or it belongs to an organization you do not manage.', signed);
      return;
    }
    if (err instanceof AdminError && err.code === 'forbidden') {
      errorPage(res, 403, 'Not allowed', err.message, signed);
      return;
    }
    if (err instanceof AdminError && err.status < 500) {
      errorPage(res, err.status, 'That did not work', err.message, signed);
      return;
    }
    if (err instanceof StoreUnavailableError || (err instanceof AdminError && err.code === 'store_unavailable')) {
      errorPage(res, 503, 'The database is not reachable', 'Try again in a moment.', signed);
      return;
    }
    const parser = err as { type?: unknown; status?: unknown } | null;
    if (parser && typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
      errorPage(res, parser.status, 'That did not work', 'The form could not be read; it may be too large.', signed);
      return;
    }
    rt.logger?.error({ err, requestId: res.locals.requestId, path: req.originalUrl }, 'admin console request failed');
    errorPage(res, 500, 'Something went wrong', `The request was not completed (request ${String(res.locals.requestId ?? '')}).`, signed);
  };
}

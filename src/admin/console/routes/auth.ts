/**
 * Signing in and out, and the one-time page that creates the first operator account. Before there
 * is a session, forms are protected by a double-submit token: a random value in a Strict cookie
 * that the form must repeat (and the origin check of every post).
 */
import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { createAdminAccount, sameSecret } from '../../accounts';
import { actorForToken, hashToken } from '../../auth';
import { AdminError } from '../../services/errors';
import { clearCookie, readCookie, setLoginCookie, setSessionCookie } from '../cookies';
import type { ConsoleRuntime, Signed } from '../deps';
import { callMeta, errorPage, formText, names, queryText, safeNext, saveFlash } from '../http';
import { bootstrapPage, signInPage } from '../views/auth';

function loginToken(rt: ConsoleRuntime, req: Request, res: Response): string {
  const existing = readCookie(req, names(rt).login);
  if (existing !== null) return existing;
  const token = randomBytes(32).toString('base64url');
  setLoginCookie(res, names(rt), rt.deps.localHttp, token);
  return token;
}

function loginTokenValid(rt: ConsoleRuntime, req: Request): boolean {
  const cookie = readCookie(req, names(rt).login);
  const sent = formText(req, '_csrf');
  return cookie !== null && sent !== '' && sameSecret(cookie, sent);
}

function refuseLoginForm(res: Response): void {
  errorPage(
    res,
    403,
    'This form could not be accepted',
    'The sign-in form had expired or did not come from this site. Make sure cookies are allowed for this site, reload the sign-in page and try again.',
  );
}

async function hasAnyAccount(rt: ConsoleRuntime): Promise<boolean> {
  return (await rt.accountDeps.accounts.listAdminAccounts({})).length > 0;
}

async function hasOperatorAccount(rt: ConsoleRuntime): Promise<boolean> {
  return (await rt.accountDeps.accounts.listAdminAccounts({ role: 'operator' })).length > 0;
}

/** Starts a fresh session (never one that existed before sign-in) and drops the pre-sign-in cookie. */
async function startSession(rt: ConsoleRuntime, req: Request, res: Response, accountId: string): Promise<Pick<Signed, 'session' | 'token'> | null> {
  const previous = readCookie(req, names(rt).session);
  if (previous !== null) await rt.sessions.destroy(previous);
  const account = await rt.accountDeps.accounts.getAdminAccount(accountId);
  if (account === null) return null;
  const { token, record } = await rt.sessions.create(account);
  setSessionCookie(res, names(rt), rt.deps.localHttp, token);
  clearCookie(res, names(rt).login, rt.deps.localHttp);
  return { session: record, token };
}

export function authRoutes(rt: ConsoleRuntime, router: Router): void {
  router.get('/login', async (req, res) => {
    if (res.locals.consoleSigned !== undefined) {
      res.redirect(303, safeNext(queryText(req, 'next')) ?? '/admin');
      return;
    }
    const notice = req.query.signedOut !== undefined ? 'You have signed out.' : req.query.expired !== undefined ? 'Your session ended. Sign in again.' : undefined;
    res.type('html').send(
      signInPage({ csrf: loginToken(rt, req, res), next: safeNext(queryText(req, 'next')), notice, noAccountsYet: !(await hasAnyAccount(rt)) }),
    );
  });

  router.post('/login', async (req, res) => {
    if (!loginTokenValid(rt, req)) return refuseLoginForm(res);
    const email = formText(req, 'email').slice(0, 320);
    const next = safeNext(formText(req, 'next'));
    const result = await rt.signIn.attempt(email, formText(req, 'password'), req.ip ?? 'unknown');
    if (!result.ok) {
      const throttled = result.reason === 'throttled';
      rt.logger?.warn({ requestId: res.locals.requestId, ip: req.ip, throttled }, 'admin sign-in refused');
      res
        .status(throttled ? 429 : 401)
        .type('html')
        .send(
          signInPage({
            csrf: loginToken(rt, req, res),
            email,
            next,
            error: throttled
              ? `Too many failed sign-in attempts. Wait ${rt.signIn.lockoutMinutes} minutes, then try again.`
              : 'That email and password do not match an active admin account.',
            noAccountsYet: false,
          }),
        );
      return;
    }
    await startSession(rt, req, res, result.account.id);
    rt.logger?.info({ requestId: res.locals.requestId, adminAccount: result.account.id }, 'admin signed in');
    res.redirect(303, next ?? '/admin');
  });

  router.get('/bootstrap', async (req, res) => {
    if (await hasOperatorAccount(rt)) {
      errorPage(res, 404, 'Already set up', 'The first operator account exists. Sign in, or ask an operator for an account.');
      return;
    }
    res.type('html').send(bootstrapPage({ csrf: loginToken(rt, req, res) }));
  });

  router.post('/bootstrap', async (req, res) => {
    if (!loginTokenValid(rt, req)) return refuseLoginForm(res);
    if (await hasOperatorAccount(rt)) {
      errorPage(res, 404, 'Already set up', 'The first operator account exists. Sign in, or ask an operator for an account.');
      return;
    }
    const email = formText(req, 'email').slice(0, 320);
    const again = (status: number, error: string) => res.status(status).type('html').send(bootstrapPage({ csrf: loginToken(rt, req, res), email, error }));
    const checked = await rt.signIn.guardAddress(req.ip ?? 'unknown', async () => {
      const token = formText(req, 'token').trim();
      const record = token === '' || token.length > 512 ? null : await rt.deps.store.findApiTokenByHash(hashToken(token));
      return record !== null && record.revokedAt === null && record.role === 'operator' ? record : null;
    });
    if (!checked.ok) {
      return again(checked.reason === 'throttled' ? 429 : 401, checked.reason === 'throttled' ? 'Too many failed attempts. Wait, then try again.' : 'That is not a valid operator API token.');
    }
    if (formText(req, 'password') !== formText(req, 'confirm')) return again(400, 'The two passwords are not the same.');
    const actor = actorForToken(checked.value)!;
    let accountId: string;
    try {
      accountId = (await createAdminAccount(rt.accountDeps, actor, { email, password: formText(req, 'password'), role: 'operator' }, callMeta(res))).id;
    } catch (error) {
      if (error instanceof AdminError && error.status < 500) return again(400, error.message);
      throw error;
    }
    const started = await startSession(rt, req, res, accountId);
    if (started !== null) await saveFlash(rt, started, { kind: 'success', text: `Welcome. Your operator account ${email.trim().toLowerCase()} is ready.` });
    res.redirect(303, '/admin');
  });
}

/** Mounted behind the session and CSRF checks: signing out is a state change like any other. */
export function signOutRoute(rt: ConsoleRuntime, router: Router): void {
  router.post('/logout', async (_req, res) => {
    const signed = res.locals.consoleSigned as Signed;
    await rt.sessions.destroy(signed.token);
    clearCookie(res, names(rt).session, rt.deps.localHttp);
    res.redirect(303, '/admin/login?signedOut=1');
  });
}

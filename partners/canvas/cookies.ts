/**
 * The one cookie a Canvas login sets: a per-login browser binding, readable only by /lti. It is
 * `SameSite=None; Secure; Partitioned` because the form_post that must carry it back is a
 * cross-site POST into Canvas's iframe; `Partitioned` (CHIPS) is what lets Chromium keep it when
 * third-party cookies are blocked. Browsers treat http://localhost and 127.0.0.1 as secure, so
 * `Secure` stays on in local development too.
 */
import type { CookieOptions, Request, Response } from 'express';
import { LOGIN_TTL_MS, sha256 } from './login-state';

const PREFIX = 'lg_lti_';

function cookieName(state: string): string {
  return PREFIX + sha256(state).slice(0, 22);
}

function options(maxAge: number): CookieOptions {
  return { httpOnly: true, secure: true, sameSite: 'none', partitioned: true, path: '/lti', maxAge };
}

export function setBindingCookie(res: Response, state: string, binding: string): void {
  res.cookie(cookieName(state), binding, options(LOGIN_TTL_MS));
}

export function clearBindingCookie(res: Response, state: string): void {
  res.clearCookie(cookieName(state), { ...options(0), maxAge: undefined });
}

export function readBindingCookie(req: Request, state: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const name = cookieName(state);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

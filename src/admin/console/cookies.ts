/**
 * The console's cookies. Over https they carry `Secure` and the `__Host-` prefix (no Domain, Path
 * /), so a sibling subdomain cannot plant or read them; only plain-HTTP localhost development goes
 * without. The session cookie is SameSite=Lax (a link from elsewhere still opens the console
 * signed in); the pre-sign-in CSRF cookie is Strict.
 */
import type { Request, Response } from 'express';

export interface CookieNames {
  session: string;
  login: string;
}

export function cookieNames(localHttp: boolean): CookieNames {
  return localHttp ? { session: 'lg_admin', login: 'lg_admin_login' } : { session: '__Host-lg_admin', login: '__Host-lg_admin_login' };
}

function attributes(localHttp: boolean, sameSite: 'Lax' | 'Strict', maxAgeSeconds?: number): string {
  return [
    'Path=/',
    'HttpOnly',
    ...(localHttp ? [] : ['Secure']),
    `SameSite=${sameSite}`,
    ...(maxAgeSeconds === undefined ? [] : [`Max-Age=${maxAgeSeconds}`]),
  ].join('; ');
}

function append(res: Response, value: string): void {
  const existing = res.getHeader('Set-Cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader('Set-Cookie', [...list, value]);
}

/** A session cookie in the browser's sense (no Max-Age): the server-side expiry is what counts. */
export function setSessionCookie(res: Response, names: CookieNames, localHttp: boolean, token: string): void {
  append(res, `${names.session}=${token}; ${attributes(localHttp, 'Lax')}`);
}

export function setLoginCookie(res: Response, names: CookieNames, localHttp: boolean, token: string): void {
  append(res, `${names.login}=${token}; ${attributes(localHttp, 'Strict', 3600)}`);
}

export function clearCookie(res: Response, name: string, localHttp: boolean): void {
  append(res, `${name}=; ${attributes(localHttp, 'Lax', 0)}`);
}

/** Reads one cookie without a parser: our values are base64url, so no decoding is needed. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,100}$/.test(value) ? value : null;
    }
  }
  return null;
}

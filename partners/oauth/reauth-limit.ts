/**
 * A portal launch (a `code` with no `state`) is answered with a fresh authorization. A partner that
 * keeps answering without our state would bounce the browser forever, so each browser gets a few
 * re-authorizations per window; past that, the launch is refused with a clear page.
 *
 * The count lives behind a cookie, and a browser that drops cookies would get a fresh allowance on
 * every round. So the re-authorization is sent to the start route with a marker in the URL
 * (`?reauth=1`): arriving with the marker but without the cookie set one redirect earlier means
 * the browser drops our cookies, and the start route refuses instead of sending it round again.
 * The loop is bounded without any cookie: at most one round per portal launch.
 */
import type { Request, Response } from 'express';
import { cookieOptions, readIdCookie, type FlowDeps, type OAuthPartner } from './browser-flows';

export interface ReauthPolicy {
  /** Re-authorizations allowed per browser within `windowMs`. */
  max: number;
  windowMs: number;
}

export const DEFAULT_REAUTH_POLICY: ReauthPolicy = { max: 2, windowMs: 60_000 };

/** The shortest life of the re-authorization cookie; a round trip to the start route fits many times over. */
const MIN_COOKIE_MS = 30_000;

/** The query parameter a re-authorization carries to the start route. */
export const REAUTH_MARKER = 'reauth';

interface Counter {
  count: number;
  until: number;
}

const cookieName = (partner: OAuthPartner): string => `lg_${partner}_reauth`;
const namespace = (partner: OAuthPartner): string => `oauth-reauth:${partner}`;

export class ReauthLimiter {
  constructor(
    private readonly deps: FlowDeps,
    private readonly policy: ReauthPolicy,
  ) {}

  /** Counts one re-authorization for this browser; false when the browser has used up its allowance. */
  async allow(req: Request, res: Response, partner: OAuthPartner): Promise<boolean> {
    const now = this.deps.now().getTime();
    let id = readIdCookie(req, cookieName(partner));
    let counter: Counter | null = null;
    if (id !== null) {
      const raw = await this.deps.ephemeral.get(namespace(partner), id);
      counter = raw === null ? null : (JSON.parse(raw) as Counter);
    }
    if (id === null || counter === null || counter.until <= now) {
      id = this.deps.randomToken();
      counter = { count: 0, until: now + this.policy.windowMs };
    }
    if (counter.count >= this.policy.max) return false;
    counter.count += 1;
    await this.deps.ephemeral.put(namespace(partner), id, JSON.stringify(counter), new Date(counter.until));
    // Never a cookie about to expire: the start route, one redirect away, must see it come back.
    res.cookie(cookieName(partner), id, cookieOptions(this.deps, Math.max(counter.until - now, MIN_COOKIE_MS)));
    return true;
  }

  /** Whether this browser sent back the re-authorization cookie (`allow` sets it). */
  cookieCameBack(req: Request, partner: OAuthPartner): boolean {
    return readIdCookie(req, cookieName(partner)) !== null;
  }

  /** After a completed flow the browser starts with a full allowance again. */
  async reset(req: Request, res: Response, partner: OAuthPartner): Promise<void> {
    const id = readIdCookie(req, cookieName(partner));
    if (id === null) return;
    await this.deps.ephemeral.delete(namespace(partner), id);
    res.clearCookie(cookieName(partner), cookieOptions(this.deps));
  }
}

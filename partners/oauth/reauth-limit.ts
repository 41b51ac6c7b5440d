/**
 * A portal launch (a `code` with no `state`) is answered with a fresh authorization. A partner that
 * keeps answering without our state would bounce the browser forever, so each browser gets a few
 * re-authorizations per window; past that, the launch is refused with a clear page.
 */
import type { Request, Response } from 'express';
import { cookieOptions, readIdCookie, type FlowDeps, type OAuthPartner } from './browser-flows';

export interface ReauthPolicy {
  /** Re-authorizations allowed per browser within `windowMs`. */
  max: number;
  windowMs: number;
}

export const DEFAULT_REAUTH_POLICY: ReauthPolicy = { max: 2, windowMs: 60_000 };

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
    res.cookie(cookieName(partner), id, cookieOptions(this.deps, counter.until - now));
    return true;
  }

  /** After a completed flow the browser starts with a full allowance again. */
  async reset(req: Request, res: Response, partner: OAuthPartner): Promise<void> {
    const id = readIdCookie(req, cookieName(partner));
    if (id === null) return;
    await this.deps.ephemeral.delete(namespace(partner), id);
    res.clearCookie(cookieName(partner), cookieOptions(this.deps));
  }
}

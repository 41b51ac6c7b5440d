/**
 * The OAuth `state` (and PKCE verifier) of a flow in progress, bound to one browser: the browser
 * holds only a random flow id in an HttpOnly cookie; the state itself lives in the ephemeral store,
 * so whichever LaunchGate process receives the callback can finish the flow, and consuming it is
 * atomic, so a callback can be answered once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import type { TenantKey } from '../../src/identity/launch-identity';
import type { EphemeralStore } from '../../src/store/port';

export const OAUTH_PARTNERS = ['clever', 'classlink'] as const;
export type OAuthPartner = (typeof OAUTH_PARTNERS)[number];

/** Long enough to sign in at the partner, short enough that an abandoned flow dies soon. */
export const FLOW_TTL_MS = 10 * 60_000;
const COOKIE_PATH = '/auth';
const ID_PATTERN = /^[A-Za-z0-9_-]{22,128}$/;

export interface FlowRecord {
  state: string;
  verifier?: string;
  /**
   * The tenant the start link named (Clever's `district_id` hint), unconfirmed by the partner: kept
   * only so a launch that fails before the partner names the tenant reaches that tenant's audit log.
   */
  tenantHint?: TenantKey;
}

export interface FlowDeps {
  ephemeral: EphemeralStore;
  now: () => Date;
  /** False only for plain-HTTP local development. */
  secureCookies: boolean;
  randomToken: () => string;
}

export const flowCookieName = (partner: OAuthPartner): string => `lg_${partner}_flow`;
const flowNamespace = (partner: OAuthPartner): string => `oauth-flow:${partner}`;

export function cookieOptions(deps: Pick<FlowDeps, 'secureCookies'>, maxAgeMs?: number): CookieOptions {
  // Lax: the callback is a top-level GET navigation from the partner, which Lax cookies accompany.
  return { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: COOKIE_PATH, ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}) };
}

/** A cookie value we are willing to look up: one of our random ids, nothing else. */
export function readIdCookie(req: Request, name: string): string | null {
  const cookies = (req as { cookies?: Record<string, unknown> }).cookies;
  const value = cookies?.[name];
  return typeof value === 'string' && ID_PATTERN.test(value) ? value : null;
}

function sameState(expected: string, received: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(received).digest();
  return timingSafeEqual(a, b);
}

export class BrowserFlows {
  constructor(private readonly deps: FlowDeps) {}

  /** Starts a flow for this browser and returns its state. */
  async begin(res: Response, partner: OAuthPartner, verifier: string | undefined, tenantHint?: TenantKey): Promise<string> {
    const flowId = this.deps.randomToken();
    const record: FlowRecord = {
      state: this.deps.randomToken(),
      ...(verifier !== undefined ? { verifier } : {}),
      ...(tenantHint !== undefined ? { tenantHint } : {}),
    };
    const expiresAt = new Date(this.deps.now().getTime() + FLOW_TTL_MS);
    const stored = await this.deps.ephemeral.putIfAbsent(flowNamespace(partner), flowId, JSON.stringify(record), expiresAt);
    if (!stored) throw new Error('flow id collision');
    res.cookie(flowCookieName(partner), flowId, cookieOptions(this.deps, FLOW_TTL_MS));
    return record.state;
  }

  /**
   * Consumes this browser's flow and checks the state the partner returned against it. Returns the
   * flow on a match; null when the browser has no flow, it expired or was used, or the state differs.
   * The flow is gone either way: a guessed state costs the guesser the flow.
   */
  async finish(req: Request, res: Response, partner: OAuthPartner, receivedState: string): Promise<FlowRecord | null> {
    const flowId = readIdCookie(req, flowCookieName(partner));
    res.clearCookie(flowCookieName(partner), cookieOptions(this.deps));
    if (flowId === null) return null;
    const raw = await this.deps.ephemeral.consume(flowNamespace(partner), flowId);
    if (raw === null) return null;
    const record = JSON.parse(raw) as FlowRecord;
    return sameState(record.state, receivedState) ? record : null;
  }

  /**
   * Forgets every OAuth flow this browser has in progress, with any partner: a new login on a shared
   * classroom device must not be finished by, or for, whoever used it before. `finished` names a
   * partner whose flow `finish` has just consumed (and whose cookie it cleared): nothing is left of
   * it to delete, so the store is spared a write.
   */
  async forgetAll(req: Request, res: Response, finished?: OAuthPartner): Promise<void> {
    for (const partner of OAUTH_PARTNERS) {
      if (partner === finished) continue;
      const flowId = readIdCookie(req, flowCookieName(partner));
      if (flowId !== null) await this.deps.ephemeral.delete(flowNamespace(partner), flowId);
      if (flowId !== null || (req as { cookies?: Record<string, unknown> }).cookies?.[flowCookieName(partner)] !== undefined) {
        res.clearCookie(flowCookieName(partner), cookieOptions(this.deps));
      }
    }
  }
}

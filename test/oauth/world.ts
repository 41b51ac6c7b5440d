/**
 * A LaunchGate with both OAuth partners mounted, pointed at a simulated Clever and a simulated
 * ClassLink on loopback, plus a cookie-keeping browser. Tests add users at the simulators and
 * tenants in the store, then launch.
 */
import assert from 'node:assert/strict';
import type { DestinationStream } from 'pino';
import { cleverPartner, type CleverDeps } from '../../partners/clever';
import { startCleverSimulator, type CleverSimulator } from '../../partners/clever/simulator';
import { classlinkPartner, type ClassLinkDeps } from '../../partners/classlink';
import { startClassLinkSimulator, type ClassLinkSimulator } from '../../partners/classlink/simulator';
import type { AuditEvent } from '../../src/store/model';
import type { Store } from '../../src/store/port';
import { TestClient, type Hop } from '../support/client';
import { startHarness, type Harness } from '../support/harness';

export const CLEVER_SECRET = 'clever-secret-6f1d2c9a0b7e4d3f8a2b5c1e';
export const CLASSLINK_SECRET = 'classlink-secret-9e8d7c6b5a4f3e2d1c0b';

export interface OAuthWorld {
  h: Harness;
  clever: CleverSimulator;
  classlink: ClassLinkSimulator;
  browser: TestClient;
  close(): Promise<void>;
}

export interface WorldOptions {
  clever?: CleverDeps;
  classlink?: ClassLinkDeps;
  /** Extra LaunchGate environment (e.g. to turn a partner off). */
  env?: Record<string, string>;
  /** Where LaunchGate's log goes (at trace level), for tests that read it. */
  logDestination?: DestinationStream;
}

export async function startSimulators(): Promise<{ clever: CleverSimulator; classlink: ClassLinkSimulator }> {
  const clever = await startCleverSimulator({ clientId: 'clever-client-id', clientSecret: CLEVER_SECRET });
  const classlink = await startClassLinkSimulator({ clientId: 'classlink-client-id', clientSecret: CLASSLINK_SECRET });
  return { clever, classlink };
}

/** A LaunchGate wired to the given simulators; registers its callback URLs with them. */
export async function startLaunchGate(
  sims: { clever: CleverSimulator; classlink: ClassLinkSimulator },
  options: WorldOptions = {},
): Promise<Harness> {
  const h = await startHarness({
    env: { ...sims.clever.env(), ...sims.classlink.env(), ...options.env },
    partners: ({ config }) => [cleverPartner(config.clever, options.clever), classlinkPartner(config.classlink, options.classlink)],
    logDestination: options.logDestination,
  });
  sims.clever.addRedirectUri(new URL('/auth/clever/callback', h.config.publicUrl).toString());
  sims.classlink.addRedirectUri(new URL('/auth/classlink/callback', h.config.publicUrl).toString());
  return h;
}

export async function startOAuthWorld(options: WorldOptions = {}): Promise<OAuthWorld> {
  const sims = await startSimulators();
  const h = await startLaunchGate(sims, options);
  return {
    h,
    ...sims,
    browser: new TestClient(),
    async close() {
      await h.close();
      await sims.clever.stop();
      await sims.classlink.stop();
    },
  };
}

export function last(hops: Hop[]): Hop {
  return hops[hops.length - 1]!;
}

/** The launch ended on the built-in product page, signed in. */
export function assertProductPage(hops: Hop[]): Hop {
  const end = last(hops);
  assert.equal(end.status, 200, `expected the product page, got ${end.status} at ${end.url}: ${end.body.slice(0, 400)}`);
  assert.match(end.url, /\/product\/studio\?assertion=/);
  return end;
}

/** The launch ended on LaunchGate's refusal page with this reason code. */
export function assertRefused(hops: Hop[], reason: string, status?: number): Hop {
  const end = last(hops);
  assert.match(end.body, new RegExp(`data-reason="${reason}"`), `expected refusal ${reason}, got ${end.status} at ${end.url}: ${end.body.slice(0, 400)}`);
  if (status !== undefined) assert.equal(end.status, status);
  return end;
}

export async function latestLaunchAudit(store: Store): Promise<AuditEvent> {
  const page = await store.listAudit({ kind: 'launch' }, { limit: 1, offset: 0 });
  assert.ok(page.items[0], 'expected a launch audit event');
  return page.items[0];
}

/** The redirect from the partner back to LaunchGate, and everything before it. */
export function callbackHop(hops: Hop[], partner: 'clever' | 'classlink'): Hop {
  const hop = hops.find((h) => h.location?.includes(`/auth/${partner}/callback`));
  assert.ok(hop, `no redirect to the ${partner} callback in ${hops.map((h) => h.url).join(' -> ')}`);
  return hop;
}

/**
 * Follows a flow hop by hop and stops just before LaunchGate's callback, so a test can tamper with
 * it (or hand it to another browser or another LaunchGate). Returns the callback URL, not yet requested.
 */
export async function followUntilCallback(browser: TestClient, url: string, partner: 'clever' | 'classlink'): Promise<{ hops: Hop[]; callbackUrl: string }> {
  const hops: Hop[] = [];
  let next = url;
  for (let i = 0; i < 10; i++) {
    const hop = await browser.request(next);
    hops.push(hop);
    assert.ok(hop.location, `flow stopped at ${hop.url} with ${hop.status} before reaching the callback: ${hop.body.slice(0, 300)}`);
    if (new URL(hop.location).pathname === `/auth/${partner}/callback`) return { hops, callbackUrl: hop.location };
    next = hop.location;
  }
  assert.fail('no callback within 10 hops');
}

export function withParam(url: string, name: string, value: string | null): string {
  const u = new URL(url);
  if (value === null) u.searchParams.delete(name);
  else u.searchParams.set(name, value);
  return u.toString();
}

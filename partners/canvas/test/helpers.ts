import type { FetchLike } from '../http';
/** A LaunchGate with the Canvas adapter, a simulated Canvas, and a seeded, linked tenant. */
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { linkConnection, seedTenant, startHarness, type Harness, type SeededTenant } from '../../../test/support/harness';
import { TestClient, type Hop } from '../../../test/support/client';
import type { Connection } from '../../../src/store/model';
import { canvasPartnerFor } from '../compose';
import type { CanvasDeps, CanvasPartnerModule } from '../index';
import { CanvasSimulator, LIS_ROLES, type LaunchSpec, type SimUser } from '../simulator';

export interface CanvasWorld {
  sim: CanvasSimulator;
  h: Harness;
  tenant: SeededTenant;
  connection: Connection | null;
  canvas: CanvasPartnerModule;
  /** A student of the seeded school, with an email on its verified domain. */
  student(extra?: Partial<SimUser>): SimUser;
  close(): Promise<void>;
}

export interface WorldOptions {
  jitEnabled?: boolean;
  link?: boolean;
  now?: () => Date;
  sim?: CanvasSimulator;
  canvas?: Partial<CanvasDeps>;
  host?: string;
  /** Build the Canvas adapter as NODE_ENV=production would (the rest of the harness stays as tests run it). */
  production?: boolean;
  /** Where the logs go (tests that check what is logged rather than shown). */
  logDestination?: DestinationStream;
}

export async function startCanvasWorld(options: WorldOptions = {}): Promise<CanvasWorld> {
  const sim = options.sim ?? (await CanvasSimulator.start({ now: options.now }));
  let canvas: CanvasPartnerModule | undefined;
  const h = await startHarness({
    now: options.now,
    host: options.host,
    logDestination: options.logDestination,
    partners: ({ config, store, secret }) => [
      (canvas = canvasPartnerFor(options.production ? { ...config, nodeEnv: 'production' } : config, store, secret, options.canvas)),
    ],
  });
  const tenant = await seedTenant(h.store, { jitEnabled: options.jitEnabled ?? true });
  const connection = options.link === false ? null : await linkConnection(h.store, tenant, sim.connectionSettings());
  const ownsSim = options.sim === undefined;
  return {
    sim,
    h,
    tenant,
    connection,
    canvas: canvas!,
    student(extra = {}) {
      const id = randomUUID().slice(0, 8);
      return {
        sub: randomUUID(),
        email: `student-${id}@${tenant.domain}`,
        givenName: 'Ada',
        familyName: `Lovelace-${id}`,
        roles: [LIS_ROLES.learner, LIS_ROLES.institutionStudent, LIS_ROLES.systemUser],
        ...extra,
      };
    },
    async close() {
      await h.close();
      if (ownsSim) await sim.close();
    },
  };
}

export function newBrowser(): TestClient {
  return new TestClient();
}

/** Follows an allowed launch into the product page and returns it. */
export async function openProduct(browser: TestClient, hop: { status: number; location: string | null }): Promise<Hop> {
  if (hop.status !== 303 || !hop.location) throw new Error(`expected a redirect into the product, got ${hop.status}`);
  return browser.request(hop.location);
}

export function reasonOf(body: string): string | null {
  return /data-reason="([^"]+)"/.exec(body)?.[1] ?? null;
}

export function accessOf(body: string): string | null {
  return /data-testid="access">([^<]+)</.exec(body)?.[1] ?? null;
}

/** The most recent audit event of a launch (newest first). */
export async function lastLaunchAudit(h: Harness) {
  const page = await h.store.listAudit({ kind: 'launch' }, { limit: 1, offset: 0 });
  return page.items[0] ?? null;
}

/**
 * A second LaunchGate process on the first one's SQLite file and deployment secret (the test
 * harness gives every harness its own secret, so it cannot share a file with another one).
 */
export async function startSecondProcess(first: Harness): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const second = await startHarness({
    sqliteFile: first.sqliteFile,
    secret: first.secret,
    env: { DATA_DIR: first.dataDir },
    partners: ({ config, store, secret }) => [canvasPartnerFor(config, store, secret)],
  });
  return { baseUrl: second.baseUrl, close: () => second.close() };
}

/** The first half of a launch: the login initiation, stopping at the platform's auth URL. */
export async function beginLogin(w: CanvasWorld, browser: TestClient, spec: LaunchSpec): Promise<{ authUrl: string; state: string; nonce: string }> {
  const params = { ...w.sim.loginParams(spec), target_link_uri: `${w.h.baseUrl}/lti/launch` };
  const hop = await browser.request(`${w.h.baseUrl}/lti/login`, { form: params });
  if (hop.status !== 302 || !hop.location) throw new Error(`login did not redirect to the platform: ${hop.status}`);
  const url = new URL(hop.location);
  return { authUrl: hop.location, state: url.searchParams.get('state')!, nonce: url.searchParams.get('nonce')! };
}

export function postLaunch(w: CanvasWorld, browser: TestClient, fields: Record<string, string>): Promise<Hop> {
  return browser.request(`${w.h.baseUrl}/lti/launch`, { form: fields });
}

/** The check code the last refused launch recorded in the audit log. */
export async function lastCheck(h: Harness): Promise<unknown> {
  return (await lastLaunchAudit(h))?.detail?.check;
}

/** Every outbound call the adapter makes, so a test can see that a refusal made none. */
export function recordingFetch(): { fetch: FetchLike; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (input, init) => {
      calls.push(`${init?.method ?? 'GET'} ${input}`);
      return fetch(input, init);
    },
  };
}

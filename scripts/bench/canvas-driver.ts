/**
 * Canvas (LTI 1.3) launches, as the browser inside Canvas's iframe makes them: the login
 * initiation form posted to the tool → 302 to the platform's OIDC auth endpoint → the platform's
 * auto-posting form with the signed id_token → POST to the tool's launch URL → (LaunchGate) 303 to
 * the product with the assertion, or (ltijs) 302 to the app route with an ltik → the final page.
 */
import { parseForm } from '../../partners/canvas/simulator/pages';
import type { ConnectionSpec } from './admin';
import type { Browser, Hop } from './browser';
import { forkChild, stopChild, type Runtime } from './children';
import type { CanvasSimCounters, CanvasSimInfo } from './canvas-sim-process';
import { inSlices, type PartnerDriver } from './driver';
import { RpcClient } from './ipc';
import type { LaunchOutcome } from './load';
import { PRODUCT_PATH } from './oauth-driver';
import { launchGateOutcome } from './outcome';
import type { Student } from './students';

export interface CanvasDriver extends PartnerDriver {
  readonly platform: CanvasSimInfo;
  /** The same launch into any LTI tool whose login and launch routes are /lti/login and /lti/launch. */
  launchInto(toolBaseUrl: string, browser: Browser, student: Student, requestId: string): Promise<Hop>;
  /** Every JWKS fetch the platform has answered since it started. */
  jwksFetchesSoFar(): Promise<number>;
}

export async function startCanvasDriver(runtime: Runtime): Promise<CanvasDriver> {
  const rpc = new RpcClient(forkChild(runtime, 'scripts/bench/canvas-sim-process'), 'Canvas simulator');
  const platform = await rpc.call<CanvasSimInfo>('start');
  const loginParams = new Map<string, Record<string, string>>();
  let launchGateUrl = '';
  let jwksAtReset = 0;

  async function launchInto(toolBaseUrl: string, browser: Browser, student: Student, requestId: string): Promise<Hop> {
    const params = loginParams.get(student.subject);
    if (params === undefined) throw new Error(`no Canvas login for ${student.subject}`);
    const headers = { 'x-request-id': requestId };
    const login = await browser.request(`${toolBaseUrl}/lti/login`, { form: { ...params, target_link_uri: `${toolBaseUrl}/lti/launch` }, headers });
    if (login.status !== 302 || login.location === null || !login.location.startsWith(platform.authEndpoint)) return login;
    const authorize = await browser.request(login.location, { headers });
    if (authorize.status !== 200) return authorize;
    const post = parseForm(authorize.body);
    const { last } = await browser.follow(post.action, { method: 'POST', form: post.fields, headers });
    return last;
  }

  return {
    partner: 'canvas',
    pid: rpc.child.pid,
    origin: new URL(platform.authEndpoint).origin,
    platform,
    launchInto,
    // Canvas needs no LaunchGate variables: the connection carries the platform's endpoints.
    launchGateEnv: () => ({}),
    async attach(url) {
      launchGateUrl = url;
    },
    connection: (): ConnectionSpec => ({
      partner: 'canvas',
      issuer: platform.issuer,
      clientId: platform.clientId,
      deploymentIds: [platform.deploymentId],
      authEndpoint: platform.authEndpoint,
      tokenEndpoint: platform.tokenEndpoint,
      jwksUrl: platform.jwksUrl,
    }),
    addStudents: (students) =>
      inSlices(students, 2000, async (slice) => {
        const params = await rpc.call<Array<Record<string, string>>>('loginParams', { students: slice });
        slice.forEach((s, i) => loginParams.set(s.subject, params[i]!));
      }),
    // The student is signed in to Canvas already; the platform answers the auth request at once.
    prepare: async () => undefined,
    async launch(browser: Browser, student: Student, requestId: string): Promise<LaunchOutcome> {
      return launchGateOutcome(await launchInto(launchGateUrl, browser, student, requestId), PRODUCT_PATH);
    },
    async counters() {
      const c = await rpc.call<CanvasSimCounters>('counters');
      return { authRequests: c.authRequests, jwksFetches: c.jwksFetches - jwksAtReset };
    },
    async resetCounters() {
      jwksAtReset = (await rpc.call<CanvasSimCounters>('counters')).jwksFetches;
      await rpc.call('resetCounters');
    },
    jwksFetchesSoFar: async () => (await rpc.call<CanvasSimCounters>('counters')).jwksFetches,
    async stop() {
      await rpc.call('stop').catch(() => undefined);
      await stopChild(rpc.child, 2_000);
    },
  };
}

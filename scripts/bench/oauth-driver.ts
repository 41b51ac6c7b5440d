/**
 * Clever and ClassLink launches: the student is signed in at the partner (as on the first day of
 * school, in the portal), then opens LaunchGate's start route; the browser follows the real
 * redirects: start → partner authorize → LaunchGate callback (which makes three partner calls:
 * token, then the identity API) → product page with the assertion.
 */
import { randomBytes } from 'node:crypto';
import type { SimCounters } from '../../partners/oauth/simulator-core';
import type { ConnectionSpec } from './admin';
import type { Browser } from './browser';
import { forkChild, stopChild, type Runtime } from './children';
import { inSlices, type PartnerDriver } from './driver';
import { RpcClient } from './ipc';
import type { LaunchOutcome } from './load';
import type { OAuthSimInfo, OAuthSimKind } from './oauth-sim-process';
import { launchGateOutcome } from './outcome';
import type { Student } from './students';

export const PRODUCT_PATH = '/product/studio';

export async function startOAuthDriver(kind: OAuthSimKind, runtime: Runtime): Promise<PartnerDriver> {
  const rpc = new RpcClient(forkChild(runtime, 'scripts/bench/oauth-sim-process'), `${kind} simulator`);
  const info = await rpc.call<OAuthSimInfo>('start', {
    kind,
    clientId: `bench-${kind}-client`,
    clientSecret: randomBytes(24).toString('hex'),
  });
  // A Clever district id is an ObjectId; a ClassLink tenant id is a number.
  const tenant = kind === 'clever' ? randomBytes(12).toString('hex') : String(2000 + Math.floor(Math.random() * 1000));
  if (kind === 'clever') await rpc.call('addDistrict', { id: tenant, name: 'Bench Unified (#DEMO)' });
  let launchGateUrl = '';

  return {
    partner: kind,
    pid: rpc.child.pid,
    origin: info.baseUrl,
    launchGateEnv: () => info.env,
    async attach(url) {
      launchGateUrl = url;
      await rpc.call('addRedirectUri', { uri: `${url}/auth/${kind}/callback` });
    },
    connection: (): ConnectionSpec => (kind === 'clever' ? { partner: 'clever', districtId: tenant } : { partner: 'classlink', tenantId: tenant }),
    addStudents: (students) => inSlices(students, 2000, (slice) => rpc.call('addStudents', { students: slice.map((s) => ({ ...s, tenant })) })),
    async prepare(browser: Browser, student: Student) {
      const hop = await browser.request(`${info.baseUrl}/sim/login?user=${encodeURIComponent(student.subject)}&return=%2F`);
      if (hop.status !== 302) throw new Error(`could not sign ${student.subject} in at the ${kind} simulator: ${hop.status}`);
    },
    async launch(browser: Browser, _student: Student, requestId: string): Promise<LaunchOutcome> {
      const { last } = await browser.follow(`${launchGateUrl}/auth/${kind}`, { headers: { 'x-request-id': requestId } });
      return launchGateOutcome(last, PRODUCT_PATH);
    },
    async counters() {
      const c = await rpc.call<SimCounters>('counters');
      const rejected = Object.values(c.tokenRejections).reduce((a, b) => a + b, 0);
      return { authorizeRequests: c.authorizeRequests, tokenRequests: c.tokenRequests, tokenRejections: rejected, userInfoRequests: c.userInfoRequests };
    },
    resetCounters: () => rpc.call('resetCounters'),
    async stop() {
      await rpc.call('stop').catch(() => undefined);
      await stopChild(rpc.child, 2_000);
    },
  };
}

/**
 * Scale-out by design: two real LaunchGate processes on one SQLite file serve the steps of one
 * launch interchangeably (as two processes behind a load balancer would), and JIT stays exact
 * when both take first launches at once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startCleverSimulator, type CleverSimulator } from '../../partners/clever/simulator';
import { TestClient } from '../support/client';
import { freePort } from '../support/ports';

const repoRoot = path.resolve(__dirname, '../..');


interface Proc {
  child: ChildProcess;
  url: string;
  output: string[];
}

async function startProcess(env: Record<string, string>, port: number): Promise<Proc> {
  const output: string[] = [];
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(repoRoot, 'src/server/main.ts')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`LaunchGate exited early:\n${output.join('')}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url, output };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`LaunchGate did not become ready:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopProcess(p: Proc | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null) return;
  const exited = new Promise((resolve) => p.child.once('exit', resolve));
  p.child.kill('SIGTERM');
  await exited;
}

describe('two LaunchGate processes on one SQLite file', function () {
  this.timeout(60_000);
  let dataDir: string;
  let sim: CleverSimulator;
  let a: Proc | undefined;
  let b: Proc | undefined;
  const adminToken = 'lg_test_' + randomBytes(24).toString('base64url');
  let districtId: string;
  const domain = 'twoproc.k12.example';

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-2proc-'));
    sim = await startCleverSimulator({ clientId: 'two-proc-client', clientSecret: randomBytes(16).toString('hex') });
    districtId = sim.addDistrict({ name: 'Two Process USD' }).id;
    const [portA, portB] = [await freePort(), await freePort()];
    sim.addRedirectUri(`http://127.0.0.1:${portA}/auth/clever/callback`);
    // Both behind one public URL, as behind a load balancer: the partner redirects to A's address.
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      PUBLIC_URL: `http://127.0.0.1:${portA}`,
      LAUNCHGATE_SECRET: randomBytes(40).toString('base64url'),
      LAUNCHGATE_ADMIN_TOKEN: adminToken,
      ...sim.env(),
    };
    a = await startProcess(env, portA);
    b = await startProcess(env, portB);

    const api = async (method: string, url: string, body?: object) => {
      const res = await fetch(`${a!.url}/api/v1${url}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      const json = (await res.json()) as Record<string, unknown>;
      assert.ok(res.ok, `${method} ${url}: ${JSON.stringify(json)}`);
      return json;
    };
    const org = await api('POST', '/organizations', { name: 'Two Process USD' });
    await api('PUT', `/organizations/${String(org.id)}/entitlements/studio`, { seats: 30 });
    const dir = await api('POST', `/organizations/${String(org.id)}/directories`, { name: 'Students', jitEnabled: true });
    const dom = await api('POST', `/directories/${String(dir.id)}/domains`, { name: domain });
    await api('POST', `/domains/${String((dom.domain as { id: string } | undefined)?.id ?? dom.id)}/operator-verify`);
    await api('POST', `/directories/${String(dir.id)}/connections`, { partner: 'clever', districtId });
  });

  after(async () => {
    await stopProcess(a);
    await stopProcess(b);
    await sim?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * One browser behind a load balancer: requests to LaunchGate's public URL go to the process the
   * test picks, with one cookie jar for the public host (cookies are per host, not per process).
   */
  function browserBehindBalancer() {
    const partner = new TestClient();
    const jar = new Map<string, string>();
    return {
      async lg(url: string, process: Proc) {
        const target = new URL(url);
        target.host = new URL(process.url).host;
        const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
        const res = await fetch(target, { redirect: 'manual', headers: cookie ? { cookie } : {} });
        for (const line of res.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const [name, ...value] = pair!.split('=');
          if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name!.trim());
          else jar.set(name!.trim(), value.join('=').trim());
        }
        const location = res.headers.get('location');
        return { status: res.status, location: location ? new URL(location, url).toString() : null, body: await res.text() };
      },
      partner,
    };
  }

  /** Portal click → (code only) → re-authorization → callback → product, alternating processes. */
  async function portalLaunch(userId: string, first: Proc, second: Proc) {
    const browser = browserBehindBalancer();
    const toCallback = await browser.partner.request(sim.portalLaunchUrl(userId));
    assert.equal(toCallback.status, 302);
    let hop = await browser.lg(toCallback.location!, first);
    let turn = 1;
    for (let i = 0; i < 8 && hop.location; i++) {
      if (hop.status === 303 && hop.location.includes('/product/')) break;
      const publicOrigin = new URL(a!.url).origin;
      if (new URL(hop.location).origin === publicOrigin) {
        hop = await browser.lg(hop.location, turn++ % 2 === 0 ? first : second);
      } else {
        const atPartner = await browser.partner.request(hop.location);
        hop = { status: atPartner.status, location: atPartner.location, body: atPartner.body };
      }
    }
    return hop;
  }

  it('serves one portal launch with its steps alternating between the two processes', async () => {
    const student = sim.addUser({ district: districtId, email: `ada@${domain}`, roles: { student: {} } });
    const end = await portalLaunch(student.id, a!, b!);
    assert.equal(end.status, 303, end.body);
    const product = await fetch(end.location!);
    assert.equal(product.status, 200);
    assert.match(await product.text(), /user_created/);
  });

  it('keeps seats exact when both processes take first launches at once', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const user = sim.addUser({ district: districtId, email: `s${i}@${domain}`, roles: { student: {} } });
        const end = i % 2 === 0 ? await portalLaunch(user.id, a!, b!) : await portalLaunch(user.id, b!, a!);
        return end.status === 303 ? 'allowed' : /no_seats/.test(end.body) ? 'no_seats' : `unexpected ${end.status}`;
      }),
    );
    // One seat went to the first test's user: 29 are left for these 40.
    assert.equal(outcomes.filter((o) => o === 'allowed').length, 29, outcomes.join(','));
    assert.equal(outcomes.filter((o) => o === 'no_seats').length, 11, outcomes.join(','));
  });
});

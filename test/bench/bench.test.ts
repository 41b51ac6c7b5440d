/**
 * The benchmark's machinery at toy scale: real processes (LaunchGate, the three simulators, stock
 * ltijs), real routes, a handful of launches. It checks what the benchmark promises to count, never
 * how fast anything was.
 */
import assert from 'node:assert/strict';
import { parseOptions } from '../../scripts/bench/options';
import { runBenchmark, type BenchResults } from '../../scripts/bench/run';
import { evaluateTargets } from '../../scripts/bench/targets';
import { renderReport } from '../../scripts/bench/report';

const USERS = 10;

describe('benchmark (tiny scale)', function () {
  this.timeout(60_000);
  let results: BenchResults;

  before(async () => {
    const options = parseOptions(['--runtime', 'tsx', '--users', String(USERS), '--concurrency', '4', '--warmup', '0', '--log-level', 'warn']);
    results = await runBenchmark(options);
  });

  it('makes every first launch create a user with a license, and every repeat launch find it, for each partner', () => {
    const ours = results.phases.filter((p) => p.system === 'launchgate');
    assert.deepEqual(ours.map((p) => `${p.partner} ${p.kind}`).sort(), [
      'canvas first',
      'canvas repeat',
      'classlink first',
      'classlink repeat',
      'clever first',
      'clever repeat',
    ]);
    for (const p of ours) {
      assert.equal(p.stats.errors, 0, `${p.partner} ${p.kind}: ${p.stats.sampleErrors.join('; ')}`);
      assert.deepEqual(p.stats.outcomes, p.kind === 'first' ? { user_created: USERS } : { existing_license: USERS });
    }
  });

  it('runs the same Canvas launches through stock ltijs, which fetches the platform keys on every launch', () => {
    const baseline = results.phases.find((p) => p.system === 'ltijs');
    assert.ok(baseline);
    assert.deepEqual(baseline.stats.outcomes, { ltijs_ok: USERS });
    assert.deepEqual(results.jwks, { launchGateFetches: 1, issuers: 1, launchGateLaunches: 2 * USERS, ltijsFetches: USERS, ltijsLaunches: USERS });
  });

  it('counts users, licenses and audit events through the admin API and the store', () => {
    assert.equal(results.correctness.length, 3);
    for (const row of results.correctness) {
      assert.equal(row.usersCreated, USERS, row.partner);
      assert.equal(row.licenses, USERS, row.partner);
      assert.equal(row.launchEvents, 2 * USERS, row.partner);
      assert.ok(row.ok, row.partner);
    }
    assert.equal(results.audit.launches, 6 * USERS);
    assert.equal(results.audit.withExactlyOneEvent, 6 * USERS);
    assert.equal(results.audit.strayEvents, 0);
    assert.equal(results.audit.usersRows, 3 * USERS);
  });

  it('counts the partner calls LaunchGate made (one token exchange per OAuth launch)', () => {
    const first = results.phases.find((p) => p.partner === 'clever' && p.kind === 'first')!;
    assert.equal(first.partnerCalls.tokenRequests, USERS);
    assert.equal(first.partnerCalls.tokenRejections, 0);
  });

  it('reports the server’s CPU, memory and store size, and renders a report that says the run was correct', () => {
    assert.ok(results.launchGate.cpuSeconds > 0);
    assert.ok(results.launchGate.peakRssMb > 0);
    assert.ok(results.launchGate.storeBytes > 0);
    const { text, correct } = renderReport(results, evaluateTargets(results));
    assert.ok(correct);
    assert.match(text, /Clever\s+first \(JIT\)/);
    assert.match(text, /ltijs 5\.9\.9 \(Canvas\)\s+bare launch/);
    assert.match(text, /60 of 60 launches have exactly one launch event/);
  });
});

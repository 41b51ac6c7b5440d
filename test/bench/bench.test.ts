/**
 * The benchmark's machinery at toy scale: real processes, real routes, a handful of launches. It
 * checks what the benchmark promises to count, never how fast anything was.
 */
import assert from 'node:assert/strict';
import { parseOptions } from '../../scripts/bench/options';
import { runBenchmark, type BenchResults } from '../../scripts/bench/run';
import { evaluateTargets } from '../../scripts/bench/targets';
import { renderReport } from '../../scripts/bench/report';

describe('benchmark (tiny scale)', function () {
  this.timeout(60_000);
  let results: BenchResults;

  before(async () => {
    const options = parseOptions(['--runtime', 'tsx', '--partners', 'clever,classlink', '--users', '10', '--concurrency', '4', '--log-level', 'warn', '--no-baseline']);
    results = await runBenchmark(options);
  });

  it('makes every first launch create a user with a license, and every repeat launch find it', () => {
    const phases = results.phases.filter((p) => p.system === 'launchgate');
    assert.equal(phases.length, 4);
    for (const p of phases) {
      assert.equal(p.stats.launches, 10, `${p.partner} ${p.kind}`);
      assert.equal(p.stats.errors, 0, `${p.partner} ${p.kind}: ${p.stats.sampleErrors.join('; ')}`);
      assert.deepEqual(p.stats.outcomes, p.kind === 'first' ? { user_created: 10 } : { existing_license: 10 });
    }
  });

  it('counts users, licenses and audit events through the admin API and the store', () => {
    for (const row of results.correctness) {
      assert.equal(row.usersCreated, 10, row.partner);
      assert.equal(row.licenses, 10, row.partner);
      assert.equal(row.launchEvents, 20, row.partner);
      assert.ok(row.ok, row.partner);
    }
    assert.equal(results.audit.launches, 40);
    assert.equal(results.audit.withExactlyOneEvent, 40);
    assert.equal(results.audit.strayEvents, 0);
    assert.equal(results.audit.usersRows, 20);
  });

  it('counts the partner calls LaunchGate made (a token exchange and the identity reads per launch)', () => {
    const first = results.phases.find((p) => p.partner === 'clever' && p.kind === 'first')!;
    assert.equal(first.partnerCalls.tokenRequests, 10);
    assert.equal(first.partnerCalls.tokenRejections, 0);
  });

  it('reports the server’s CPU, memory and store size, and renders a report that says the run was correct', () => {
    assert.ok(results.launchGate.cpuSeconds > 0);
    assert.ok(results.launchGate.peakRssMb > 0);
    assert.ok(results.launchGate.storeBytes > 0);
    const { text, correct } = renderReport(results, evaluateTargets(results));
    assert.ok(correct);
    assert.match(text, /Clever\s+first \(JIT\)/);
    assert.match(text, /40 of 40 launches have exactly one launch event/);
  });
});

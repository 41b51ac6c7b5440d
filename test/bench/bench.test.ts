/**
 * The benchmark's machinery at toy scale: real processes (LaunchGate, the three simulators, stock
 * ltijs), real routes, a handful of launches, two interleaved rounds. It checks what the benchmark
 * promises to count, never how fast anything was.
 */
import assert from 'node:assert/strict';
import { parseOptions } from '../../scripts/bench/options';
import { runBenchmark, WARMUP_ROUND, type BenchResults } from '../../scripts/bench/run';
import { evaluateTargets } from '../../scripts/bench/targets';
import { renderReport } from '../../scripts/bench/report';

const USERS = 10;
const ROUNDS = 2;
/** A few warmup launches, so the warmups (LaunchGate's per partner, ltijs's once) are exercised too. */
const WARMUP = 2;
/** LaunchGate launches per partner: the warmup, then each round's first and repeat launches. */
const PER_PARTNER = WARMUP + ROUNDS * 2 * USERS;

describe('benchmark (tiny scale)', function () {
  this.timeout(60_000);
  let results: BenchResults;

  before(async () => {
    const options = parseOptions(['--runtime', 'tsx', '--users', String(USERS), '--concurrency', '4', '--rounds', String(ROUNDS), '--warmup', String(WARMUP), '--log-level', 'warn']);
    results = await runBenchmark(options);
  });

  it('makes every first launch create a user with a license, and every repeat launch find it, for each partner and round', () => {
    const ours = results.phases.filter((p) => p.system === 'launchgate' && p.kind !== 'warmup');
    const expected = ['canvas', 'classlink', 'clever'].flatMap((partner) => ['first', 'repeat'].flatMap((kind) => [0, 1].map((round) => `${partner} ${kind} ${round}`)));
    assert.deepEqual(ours.map((p) => `${p.partner} ${p.kind} ${p.round}`).sort(), expected);
    for (const p of ours) {
      assert.equal(p.stats.errors, 0, `${p.partner} ${p.kind}: ${p.stats.sampleErrors.join('; ')}`);
      assert.deepEqual(p.stats.outcomes, p.kind === 'first' ? { user_created: USERS } : { existing_license: USERS });
    }
    const warmups = results.phases.filter((p) => p.kind === 'warmup');
    assert.deepEqual(warmups.map((p) => `${p.system} ${p.partner} ${p.round}`).sort(), ['launchgate canvas', 'launchgate classlink', 'launchgate clever', 'ltijs canvas'].map((w) => `${w} ${WARMUP_ROUND}`));
  });

  it('alternates LaunchGate and ltijs on Canvas, round by round, with ltijs warmed up once before its first phase', () => {
    const canvas = results.phases.filter((p) => p.partner === 'canvas').map((p) => `${p.system} ${p.kind} ${p.round}`);
    assert.deepEqual(canvas, [
      'launchgate warmup -1',
      'launchgate first 0',
      'launchgate repeat 0',
      'ltijs warmup -1',
      'ltijs first 0',
      'launchgate first 1',
      'launchgate repeat 1',
      'ltijs first 1',
    ]);
  });

  it('runs the same Canvas launches through stock ltijs, which fetches the platform keys on every launch', () => {
    const baseline = results.phases.filter((p) => p.system === 'ltijs' && p.kind === 'first');
    assert.deepEqual(baseline.map((p) => p.round), [0, 1]);
    for (const p of baseline) assert.deepEqual(p.stats.outcomes, { ltijs_ok: USERS });
    assert.deepEqual(results.jwks, { launchGateFetches: 1, issuers: 1, launchGateLaunches: PER_PARTNER, ltijsFetches: WARMUP + ROUNDS * USERS, ltijsLaunches: WARMUP + ROUNDS * USERS });
  });

  it('opens every browser connection before a phase, none during it (a phase measures launches, not connection set-up)', () => {
    const measured = results.phases.filter((p) => p.kind !== 'warmup');
    assert.ok(measured.length > 0);
    for (const p of measured) assert.deepEqual(p.connectionsOpened, { server: 0, partner: 0 }, `${p.system} ${p.partner} ${p.kind} round ${p.round}`);
  });

  it('times every request of every measured launch: the server’s, the partner’s, and the browser’s gaps', () => {
    const hopsOf = (system: string, partner: string) =>
      results.phases.find((p) => p.system === system && p.partner === partner && p.kind === 'first' && p.round === 0)!.stats.hops.map((h) => `${h.where} ${h.hop} ${h.launches}`);
    assert.deepEqual(hopsOf('launchgate', 'canvas'), [
      `server POST /lti/login ${USERS}`,
      `partner GET /api/lti/authorize_redirect ${USERS}`,
      `server POST /lti/launch ${USERS}`,
      `server GET /product/studio ${USERS}`,
      `load generator between hops ${USERS}`,
    ]);
    assert.deepEqual(hopsOf('ltijs', 'canvas').slice(0, 3), [`server POST /lti/login ${USERS}`, `partner GET /api/lti/authorize_redirect ${USERS}`, `server POST /lti/launch ${USERS}`]);
    assert.deepEqual(hopsOf('launchgate', 'clever'), [
      `server GET /auth/clever ${USERS}`,
      `partner GET /oauth/authorize ${USERS}`,
      `server GET /auth/clever/callback ${USERS}`,
      `server GET /product/studio ${USERS}`,
      `load generator between hops ${USERS}`,
    ]);
    // The hops and the gaps between them are the whole launch: their means add up to the mean launch.
    for (const p of results.phases.filter((x) => x.kind !== 'warmup')) {
      const inHops = p.stats.hops.reduce((a, h) => a + h.mean, 0);
      assert.ok(inHops > 0 && inHops <= p.stats.max, `${p.system} ${p.partner} ${p.kind}: ${inHops} ms in hops, longest launch ${p.stats.max} ms`);
    }
  });

  it('aggregates each configuration over the rounds, and pairs LaunchGate with ltijs per round', () => {
    const { groups, canvasVsLtijs } = results.aggregates;
    assert.equal(groups.length, 3 * 2 + 1);
    for (const g of groups) {
      assert.equal(g.rounds, ROUNDS, `${g.system} ${g.partner} ${g.kind}`);
      assert.equal(g.launches, ROUNDS * USERS, `${g.system} ${g.partner} ${g.kind}`);
      assert.ok(g.perSecond > 0);
    }
    assert.deepEqual(
      canvasVsLtijs.map((r) => [r.kind, r.concurrency, r.perRound.map((x) => x.round)]),
      [
        ['first', 4, [0, 1]],
        ['repeat', 4, [0, 1]],
      ],
    );
  });

  it('counts every round’s users, licenses and audit events through the admin API and the store', () => {
    assert.equal(results.correctness.length, 3);
    for (const row of results.correctness) {
      assert.equal(row.distinctStudents, WARMUP + ROUNDS * USERS, row.partner);
      assert.equal(row.usersCreated, WARMUP + ROUNDS * USERS, row.partner);
      assert.equal(row.licenses, WARMUP + ROUNDS * USERS, row.partner);
      assert.equal(row.launchEvents, PER_PARTNER, row.partner);
      assert.ok(row.ok, row.partner);
    }
    assert.equal(results.audit.launches, 3 * PER_PARTNER);
    assert.equal(results.audit.withExactlyOneEvent, 3 * PER_PARTNER);
    assert.equal(results.audit.strayEvents, 0);
    assert.equal(results.audit.usersRows, 3 * (WARMUP + ROUNDS * USERS));
  });

  it('counts the partner calls LaunchGate made (one token exchange per OAuth launch)', () => {
    for (const first of results.phases.filter((p) => p.partner === 'clever' && p.kind === 'first')) {
      assert.equal(first.partnerCalls.tokenRequests, USERS);
      assert.equal(first.partnerCalls.tokenRejections, 0);
    }
  });

  it('reports the server’s CPU, memory and store size, and renders a report of medians and rounds that says the run was correct', () => {
    assert.ok(results.launchGate.cpuSeconds > 0);
    assert.ok(results.launchGate.peakRssMb > 0);
    assert.ok(results.launchGate.storeBytes > 0);
    const { text, correct } = renderReport(results, evaluateTargets(results));
    assert.ok(correct);
    assert.match(text, /Medians of 2 rounds/);
    assert.match(text, /Clever\s+first \(JIT\)\s+4\s+2\s+20\s/);
    assert.match(text, /ltijs 5\.9\.9 \(Canvas\)\s+bare launch\s+4\s+2\s+20\s/);
    assert.match(text, /Each round, in the order run:/);
    assert.match(text, /Where the time of a first launch goes/);
    assert.match(text, /Canvas, 4 users\s+server\s+POST \/lti\/login\s/);
    assert.match(text, /partner\s+GET \/api\/lti\/authorize_redirect\s/);
    assert.match(text, /ClassLink\s+repeat\s+4\s+2\s/);
    assert.match(text, /first \(JIT\)\s+4\s+2\s+\d+\.\d\dx \(\d+\.\d\d, \d+\.\d\d\)/);
    assert.match(text, new RegExp(`${3 * PER_PARTNER} of ${3 * PER_PARTNER} launches have exactly one launch event`));
    assert.match(text, /median of 2 rounds/);
  });
});

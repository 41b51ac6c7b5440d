/** Medians over rounds and per-round LaunchGate/ltijs ratios, on hand-built phases. */
import assert from 'node:assert/strict';
import { aggregate, findGroup, median } from '../../scripts/bench/aggregate';
import type { PhaseStats } from '../../scripts/bench/load';
import { WARMUP_ROUND, type PhaseResult } from '../../scripts/bench/run';

interface Figures {
  perSecond: number;
  p50?: number;
  p99?: number;
  launches?: number;
  errors?: number;
  cpuSeconds?: number;
  peakRssMb?: number;
}

function phase(system: PhaseResult['system'], kind: PhaseResult['kind'], round: number, f: Figures, concurrency = 64): PhaseResult {
  const launches = f.launches ?? 100;
  const stats: PhaseStats = {
    launches,
    perSecond: f.perSecond,
    p50: f.p50 ?? 10,
    p95: (f.p50 ?? 10) * 2,
    p99: f.p99 ?? 50,
    max: 100,
    errors: f.errors ?? 0,
    outcomes: {},
    sampleErrors: [],
    skipped: 0,
    elapsedMs: 1000,
    slowest: [],
    hops: [],
  };
  return {
    system,
    partner: 'canvas',
    kind,
    concurrency,
    round,
    stats,
    cost: f.cpuSeconds === undefined ? null : { cpuSeconds: f.cpuSeconds, peakRssMb: f.peakRssMb ?? 100 },
    partnerCalls: {},
  };
}

describe('benchmark aggregation', () => {
  it('takes the median of an odd count as the middle value and of an even count as the mean of the middle two', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 2]), 3);
    assert.equal(median([7]), 7);
    assert.ok(Number.isNaN(median([])));
    assert.equal(median([Number.NaN, 2, 4]), 3, 'a round that could not measure the figure is left out');
  });

  it('groups three rounds into medians, the highest peak RSS and summed launches and errors', () => {
    const phases = [
      phase('launchgate', 'first', 0, { perSecond: 400, p50: 12, p99: 80, launches: 100, errors: 1, cpuSeconds: 0.2, peakRssMb: 90 }),
      phase('launchgate', 'first', 1, { perSecond: 500, p50: 10, p99: 60, launches: 100, errors: 0, cpuSeconds: 0.3, peakRssMb: 120 }),
      phase('launchgate', 'first', 2, { perSecond: 350, p50: 14, p99: 70, launches: 100, errors: 2, cpuSeconds: 0.25, peakRssMb: 100 }),
    ];
    const [group, ...others] = aggregate(phases).groups;
    assert.equal(others.length, 0);
    assert.deepEqual(
      { ...group, cpuMsPerLaunch: Number(group!.cpuMsPerLaunch.toFixed(6)) },
      { system: 'launchgate', partner: 'canvas', kind: 'first', concurrency: 64, rounds: 3, perSecond: 400, p50: 12, p95: 24, p99: 70, cpuMsPerLaunch: 2.5, peakRssMb: 120, launches: 300, errors: 3, hops: [] },
    );
  });

  it('keeps configurations apart and leaves warmups out', () => {
    const phases = [
      phase('launchgate', 'warmup', WARMUP_ROUND, { perSecond: 10, launches: 1000 }),
      phase('launchgate', 'first', 0, { perSecond: 400 }, 32),
      phase('launchgate', 'first', 0, { perSecond: 300 }),
      phase('launchgate', 'repeat', 0, { perSecond: 900 }),
      phase('launchgate', 'first', 1, { perSecond: 500 }, 32),
      phase('launchgate', 'first', 1, { perSecond: 200 }),
      phase('launchgate', 'repeat', 1, { perSecond: 1100 }),
    ];
    const agg = aggregate(phases);
    assert.deepEqual(
      agg.groups.map((g) => [g.kind, g.concurrency, g.rounds, g.perSecond, g.launches]),
      [
        ['first', 32, 2, 450, 200],
        ['first', 64, 2, 250, 200],
        ['repeat', 64, 2, 1000, 200],
      ],
    );
    assert.equal(findGroup(agg, 'launchgate', 'canvas', 'first', 64)?.perSecond, 250);
    assert.equal(findGroup(agg, 'ltijs', 'canvas', 'first', 64), undefined);
  });

  it('pairs each LaunchGate Canvas phase with the ltijs phase of the same round, and takes the median of the per-round ratios', () => {
    // Listed out of round order: pairing goes by round, not by position.
    const phases = [
      phase('ltijs', 'warmup', WARMUP_ROUND, { perSecond: 1 }),
      phase('launchgate', 'first', 1, { perSecond: 300, p99: 30, cpuSeconds: 0.2 }),
      phase('ltijs', 'first', 0, { perSecond: 200, p99: 100, cpuSeconds: 0.4 }),
      phase('launchgate', 'first', 0, { perSecond: 400, p99: 20, cpuSeconds: 0.2 }),
      phase('ltijs', 'first', 1, { perSecond: 100, p99: 120, cpuSeconds: 0.5 }),
      phase('launchgate', 'repeat', 0, { perSecond: 800 }),
      phase('launchgate', 'first', 2, { perSecond: 250 }),
      phase('ltijs', 'first', 2, { perSecond: 125, p99: 100 }),
    ];
    const ratios = aggregate(phases).canvasVsLtijs;
    assert.deepEqual(
      ratios.map((r) => [r.kind, r.concurrency, r.perRound.map((x) => [x.round, x.throughput])]),
      [
        ['first', 64, [[0, 2], [1, 3], [2, 2]]],
        ['repeat', 64, [[0, 4]]],
      ],
    );
    const first = ratios[0]!;
    assert.equal(first.median.throughput, 2, 'median of 2, 3, 2');
    assert.equal(first.median.p99, 0.25, 'median of 0.2, 0.25 and 0.5');
    assert.equal(first.median.cpuPerLaunch, 0.45, 'rounds without CPU figures left out: mean of 0.5 and 0.4');
    // The ratio of the medians would be 300/125 = 2.4: the pairing is per round.
    assert.equal(aggregate(phases).groups.find((g) => g.system === 'ltijs')?.perSecond, 125);
  });

  it('has no ratio where ltijs did not run', () => {
    const phases = [phase('launchgate', 'first', 0, { perSecond: 400 }), phase('launchgate', 'first', 1, { perSecond: 500 }), phase('ltijs', 'first', 0, { perSecond: 200 }, 32)];
    assert.deepEqual(aggregate(phases).canvasVsLtijs, []);
  });
});

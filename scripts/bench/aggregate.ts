/**
 * Rounds into figures: the benchmark measures each configuration several times, interleaved, because
 * on a small shared machine one measurement swings by half between runs. This module groups the
 * measured phases by configuration and takes medians; pure, so it is tested on hand-built phases.
 */
import type { HopStat } from './hops';
import type { PhaseResult } from './run';

/** The phases' kinds that are measured (a warmup is not). */
export type MeasuredKind = 'first' | 'repeat';

/** One configuration (system, partner, kind, concurrency) over its rounds. */
export interface PhaseGroup {
  system: PhaseResult['system'];
  partner: PhaseResult['partner'];
  kind: MeasuredKind;
  concurrency: number;
  /** How many rounds measured this configuration. */
  rounds: number;
  /** Medians over the rounds. */
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  cpuMsPerLaunch: number;
  /** The highest of the rounds: a peak is what a deployment must hold, not a typical value. */
  peakRssMb: number;
  /** Totals over the rounds. */
  launches: number;
  errors: number;
  /** Per hop, each figure the median of the rounds' (launches: the total). */
  hops: HopStat[];
}

/** LaunchGate's figure divided by stock ltijs's, for one pair of phases. */
export interface Ratios {
  throughput: number;
  p50: number;
  p99: number;
  cpuPerLaunch: number;
}

/** LaunchGate's Canvas phases against the ltijs phase of the same round and concurrency. */
export interface CanvasRatio {
  kind: MeasuredKind;
  concurrency: number;
  /** One entry per round that measured both systems, in round order. */
  perRound: Array<Ratios & { round: number }>;
  /** The median of each per-round ratio (not the ratio of the medians). */
  median: Ratios;
}

export interface Aggregates {
  /** In the order the configurations were first measured. */
  groups: PhaseGroup[];
  canvasVsLtijs: CanvasRatio[];
}

/** The server's CPU milliseconds per launch: the figure least moved by other work on the machine. */
export function cpuMsPerLaunch(p: PhaseResult): number {
  return p.cost !== null && p.stats.launches > 0 ? (p.cost.cpuSeconds * 1000) / p.stats.launches : Number.NaN;
}

/**
 * The median of the finite values (an even count: the mean of the middle two); NaN when there are
 * none. Non-finite values are a round that could not measure the figure (no launches, no /proc),
 * which should not drag the median.
 */
export function median(values: readonly number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The highest finite value; NaN when there is none. */
function maximum(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 ? Math.max(...finite) : Number.NaN;
}

function isMeasured(p: PhaseResult): p is PhaseResult & { kind: MeasuredKind } {
  return p.kind !== 'warmup';
}

function groupKey(p: Pick<PhaseResult, 'system' | 'partner' | 'kind' | 'concurrency'>): string {
  return `${p.system}/${p.partner}/${p.kind}/${p.concurrency}`;
}

function summarizeGroup(phases: ReadonlyArray<PhaseResult & { kind: MeasuredKind }>): PhaseGroup {
  const first = phases[0]!;
  const of = (f: (p: PhaseResult) => number) => phases.map(f);
  const total = (f: (p: PhaseResult) => number) => of(f).reduce((a, n) => a + n, 0);
  return {
    system: first.system,
    partner: first.partner,
    kind: first.kind,
    concurrency: first.concurrency,
    rounds: new Set(of((p) => p.round)).size,
    perSecond: median(of((p) => p.stats.perSecond)),
    p50: median(of((p) => p.stats.p50)),
    p95: median(of((p) => p.stats.p95)),
    p99: median(of((p) => p.stats.p99)),
    cpuMsPerLaunch: median(of(cpuMsPerLaunch)),
    peakRssMb: maximum(of((p) => p.cost?.peakRssMb ?? Number.NaN)),
    launches: total((p) => p.stats.launches),
    errors: total((p) => p.stats.errors),
    hops: medianHops(phases.map((p) => p.stats.hops)),
  };
}

/** One row per hop (in the order of its first round that made it), each figure the median over the rounds. */
export function medianHops(rounds: ReadonlyArray<readonly HopStat[]>): HopStat[] {
  const rows = new Map<string, HopStat[]>();
  for (const round of rounds) {
    for (const h of round) {
      const key = `${h.where} ${h.hop}`;
      rows.set(key, [...(rows.get(key) ?? []), h]);
    }
  }
  return [...rows.values()].map((list) => ({
    where: list[0]!.where,
    hop: list[0]!.hop,
    launches: list.reduce((a, h) => a + h.launches, 0),
    p50: median(list.map((h) => h.p50)),
    p99: median(list.map((h) => h.p99)),
    mean: median(list.map((h) => h.mean)),
    tailMean: median(list.map((h) => h.tailMean)),
  }));
}

export function groupPhases(phases: readonly PhaseResult[]): PhaseGroup[] {
  const byKey = new Map<string, Array<PhaseResult & { kind: MeasuredKind }>>();
  for (const p of phases.filter(isMeasured)) {
    const list = byKey.get(groupKey(p)) ?? [];
    list.push(p);
    byKey.set(groupKey(p), list);
  }
  return [...byKey.values()].map(summarizeGroup);
}

function ratios(ours: PhaseResult, theirs: PhaseResult): Ratios {
  return {
    throughput: ours.stats.perSecond / theirs.stats.perSecond,
    p50: ours.stats.p50 / theirs.stats.p50,
    p99: ours.stats.p99 / theirs.stats.p99,
    cpuPerLaunch: cpuMsPerLaunch(ours) / cpuMsPerLaunch(theirs),
  };
}

/**
 * Pairs each LaunchGate Canvas phase with the ltijs phase of the same round and concurrency: those
 * two ran back to back on the same students, so a slow stretch of the machine moves both, and their
 * ratio holds still better than either figure does.
 */
export function canvasRatios(phases: readonly PhaseResult[]): CanvasRatio[] {
  const measured = phases.filter(isMeasured).filter((p) => p.partner === 'canvas');
  const ltijs = measured.filter((p) => p.system === 'ltijs' && p.kind === 'first');
  const out: CanvasRatio[] = [];
  for (const concurrency of [...new Set(ltijs.map((p) => p.concurrency))]) {
    for (const kind of ['first', 'repeat'] as const) {
      const perRound: CanvasRatio['perRound'] = [];
      for (const ours of measured.filter((p) => p.system === 'launchgate' && p.kind === kind && p.concurrency === concurrency)) {
        const theirs = ltijs.find((p) => p.concurrency === concurrency && p.round === ours.round);
        if (theirs !== undefined) perRound.push({ round: ours.round, ...ratios(ours, theirs) });
      }
      if (perRound.length === 0) continue;
      perRound.sort((a, b) => a.round - b.round);
      const med = (f: (r: Ratios) => number) => median(perRound.map(f));
      out.push({ kind, concurrency, perRound, median: { throughput: med((r) => r.throughput), p50: med((r) => r.p50), p99: med((r) => r.p99), cpuPerLaunch: med((r) => r.cpuPerLaunch) } });
    }
  }
  return out;
}

export function aggregate(phases: readonly PhaseResult[]): Aggregates {
  return { groups: groupPhases(phases), canvasVsLtijs: canvasRatios(phases) };
}

/** The group of one configuration, if the run measured it. */
export function findGroup(aggregates: Aggregates, system: PhaseResult['system'], partner: PhaseResult['partner'], kind: MeasuredKind, concurrency: number): PhaseGroup | undefined {
  return aggregates.groups.find((g) => g.system === system && g.partner === partner && g.kind === kind && g.concurrency === concurrency);
}

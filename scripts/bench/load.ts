/**
 * The load runner: a fixed number of virtual users take launches from one list until the list is
 * done or the phase's time is up. Bounded twice (count and time), so a run always stops by itself.
 */

import type { HopStat, HopTime } from './hops';

/** How one launch ended, as the browser saw it. */
export interface LaunchOutcome {
  /** The product page's access (`user_created`, `existing_license`, ...), the refusal page's reason, or `error`. */
  outcome: string;
  /** For `error`: what went wrong, for the report. */
  detail?: string;
  /** Each request the launch made, when the phase times them. */
  hops?: HopTime[];
}

export interface LaunchRecord extends LaunchOutcome {
  index: number;
  /** When the launch started, in ms from the phase's start. */
  startMs: number;
  ms: number;
}

export interface LoadResult {
  records: LaunchRecord[];
  /** Launches not started because the phase ran out of time. */
  skipped: number;
  elapsedMs: number;
}

export interface LoadOptions {
  concurrency: number;
  /** No launch starts after this many milliseconds from the phase's start. */
  maxDurationMs: number;
  /** Virtual user k of n starts at k/n of this many milliseconds (0 or absent: all at once). */
  rampMs?: number;
}

export async function runLoad(count: number, options: LoadOptions, launch: (index: number) => Promise<LaunchOutcome>): Promise<LoadResult> {
  const records: LaunchRecord[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + options.maxDurationMs;

  async function virtualUser(k: number): Promise<void> {
    // Real browsers do not all click in the same millisecond; a burst that does measures the
    // first instant's queue (every virtual user's first hop at once) rather than the burst.
    const joinAt = users > 1 ? (k * (options.rampMs ?? 0)) / users : 0;
    if (joinAt > 0) await new Promise((resolve) => setTimeout(resolve, joinAt));
    while (next < count && performance.now() < deadline) {
      const index = next++;
      const t0 = performance.now();
      let result: LaunchOutcome;
      try {
        result = await launch(index);
      } catch (err) {
        result = { outcome: 'error', detail: err instanceof Error ? err.message : String(err) };
      }
      records.push({ ...result, index, startMs: t0 - started, ms: performance.now() - t0 });
    }
  }

  const users = Math.max(1, Math.min(options.concurrency, count));
  await Promise.all(Array.from({ length: users }, (_v, k) => virtualUser(k)));
  return { records, skipped: count - next, elapsedMs: performance.now() - started };
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface PhaseStats {
  launches: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Launches that ended in an outcome the phase did not expect. */
  errors: number;
  outcomes: Record<string, number>;
  /** Up to five distinct error details, for the report. */
  sampleErrors: string[];
  skipped: number;
  elapsedMs: number;
  /** The five slowest launches: when they started in the phase and how long they took (tails have causes). */
  slowest: Array<{ startMs: number; ms: number }>;
  /** Where the launches' time went, request by request (hops.ts); empty where not timed. */
  hops: HopStat[];
}

export function summarize(result: LoadResult, expected: readonly string[]): PhaseStats {
  const ms = result.records.map((r) => r.ms).sort((a, b) => a - b);
  const outcomes: Record<string, number> = {};
  const samples = new Set<string>();
  let errors = 0;
  for (const r of result.records) {
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    if (!expected.includes(r.outcome)) {
      errors += 1;
      if (samples.size < 5) samples.add(`${r.outcome}${r.detail !== undefined ? `: ${r.detail}` : ''}`);
    }
  }
  return {
    launches: result.records.length,
    perSecond: result.records.length / (result.elapsedMs / 1000),
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    max: ms.length > 0 ? ms[ms.length - 1]! : Number.NaN,
    errors,
    outcomes,
    sampleErrors: [...samples],
    skipped: result.skipped,
    elapsedMs: result.elapsedMs,
    slowest: [...result.records]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((r) => ({ startMs: Math.round(r.startMs), ms: Math.round(r.ms) })),
    hops: [],
  };
}

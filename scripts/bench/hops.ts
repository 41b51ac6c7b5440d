/**
 * Where a launch's time goes: each request the browser made (the server's own hops, the partner's
 * hop) and the load generator's time between them, for typical launches and for the slowest 1%.
 * A tail that sits in one hop has a cause in that route; a tail spread over every server hop is
 * the server's queue (the whole process was busy), and a slow partner hop is the simulator or the
 * machine, not the server.
 */
import { percentile } from './load';

/** One request of one launch, as the browser timed it (sent to whole answer read). */
export interface HopTime {
  /** `METHOD /path` (no query: it carries tokens and differs per launch). */
  hop: string;
  origin: string;
  ms: number;
}

export interface HopStat {
  /** `server` (LaunchGate, or ltijs in the baseline), `partner` (the simulator), or `load generator`. */
  where: 'server' | 'partner' | 'load generator';
  /** `METHOD /path`, or `between hops` for the load generator's own time. */
  hop: string;
  /** Launches that made this request (a refused launch stops early). */
  launches: number;
  p50: number;
  p99: number;
  mean: number;
  /** The mean over the slowest 1% of launches (at least one): what the tail spends here. */
  tailMean: number;
}

/** What the breakdown needs of a launch record. */
export interface TimedLaunch {
  ms: number;
  hops?: HopTime[];
}

export const BETWEEN_HOPS = 'between hops';

const mean = (values: readonly number[]): number => (values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length);

/**
 * Per hop, in the order launches make them. A launch that requests the same route twice counts
 * the sum. `serverOrigin` tells the server's hops from the partner's.
 */
export function hopBreakdown(records: readonly TimedLaunch[], serverOrigin: string): HopStat[] {
  const timed = records.filter((r): r is TimedLaunch & { hops: HopTime[] } => r.hops !== undefined && r.hops.length > 0);
  if (timed.length === 0) return [];
  const order: string[] = [];
  const where = new Map<string, HopStat['where']>();
  const perLaunch = timed.map((r) => {
    const byHop = new Map<string, number>();
    for (const h of r.hops) {
      if (!where.has(h.hop)) {
        order.push(h.hop);
        where.set(h.hop, h.origin === serverOrigin ? 'server' : 'partner');
      }
      byHop.set(h.hop, (byHop.get(h.hop) ?? 0) + h.ms);
    }
    const inHops = r.hops.reduce((a, h) => a + h.ms, 0);
    byHop.set(BETWEEN_HOPS, Math.max(0, r.ms - inHops));
    return { ms: r.ms, byHop };
  });
  order.push(BETWEEN_HOPS);
  where.set(BETWEEN_HOPS, 'load generator');
  const slowest = [...perLaunch].sort((a, b) => b.ms - a.ms).slice(0, Math.max(1, Math.ceil(perLaunch.length / 100)));
  return order.map((hop) => {
    const values = perLaunch.map((l) => l.byHop.get(hop)).filter((v): v is number => v !== undefined);
    const sorted = [...values].sort((a, b) => a - b);
    const tail = slowest.map((l) => l.byHop.get(hop) ?? 0);
    return { where: where.get(hop)!, hop, launches: values.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: mean(values), tailMean: mean(tail) };
  });
}

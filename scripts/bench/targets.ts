/**
 * The targets, checked against a run's figures: the aggregated ones (medians over the
 * rounds), never a single round's, since one round on a shared machine can land on a slow stretch.
 * A target that the run did not measure (a partner left out, no baseline) is reported as not
 * measured rather than met.
 */
import { findGroup, type MeasuredKind, type PhaseGroup } from './aggregate';
import type { BenchResults } from './run';

export interface TargetRow {
  name: string;
  target: string;
  measured: string;
  /** null: not measured in this run. */
  met: boolean | null;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** Says what a figure is a median of, so a reader of the targets table alone knows. */
const ofRounds = (n: number) => (n === 1 ? '1 round' : `median of ${n} rounds`);

/** Throughput against ltijs: the median of the per-round ratios, each between phases run back to back. */
function throughputRow(results: BenchResults, kind: MeasuredKind, label: string, concurrency: number): TargetRow {
  const ratio = results.aggregates.canvasVsLtijs.find((r) => r.kind === kind && r.concurrency === concurrency);
  const ours = findGroup(results.aggregates, 'launchgate', 'canvas', kind, concurrency);
  const theirs = findGroup(results.aggregates, 'ltijs', 'canvas', 'first', concurrency);
  const name = `Canvas ${label}, ${concurrency} users: throughput vs ltijs bare launch`;
  if (ratio === undefined || ours === undefined || theirs === undefined) return { name, target: '≥ 2.0x', measured: 'not measured', met: null };
  const perRound = ratio.perRound.length > 1 ? `; per round ${ratio.perRound.map((r) => fmt(r.throughput, 2)).join(', ')}` : '';
  return {
    name,
    target: '≥ 2.0x',
    measured: `${fmt(ratio.median.throughput, 2)}x, ${ofRounds(ratio.perRound.length)} (${fmt(ours.perSecond)}/s vs ${fmt(theirs.perSecond)}/s${perRound})`,
    met: ratio.median.throughput >= 2,
  };
}

/** p99 against ltijs: each system's median p99 (a tail is compared as each system's typical tail). */
function p99Row(ours: PhaseGroup | undefined, theirs: PhaseGroup | undefined, label: string): TargetRow {
  const name = `Canvas ${label}, 64 users: p99 vs ltijs bare launch`;
  if (ours === undefined || theirs === undefined) return { name, target: '< 1/3 of ltijs', measured: 'not measured', met: null };
  return {
    name,
    target: '< 1/3 of ltijs',
    measured: `${fmt(ours.p99)} ms vs ${fmt(theirs.p99)} ms (${fmt(ours.p99 / theirs.p99, 2)}x), ${ofRounds(Math.min(ours.rounds, theirs.rounds))}`,
    met: ours.p99 < theirs.p99 / 3,
  };
}

function canvasVsLtijs(results: BenchResults, kind: MeasuredKind): TargetRow[] {
  const label = kind === 'first' ? 'first launches with JIT' : 'repeat launches';
  const rows = results.options.concurrency.map((c) => throughputRow(results, kind, label, c));
  rows.push(p99Row(findGroup(results.aggregates, 'launchgate', 'canvas', kind, 64), findGroup(results.aggregates, 'ltijs', 'canvas', 'first', 64), label));
  return rows;
}

export function evaluateTargets(results: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  if (results.options.scenario === 'default') {
    rows.push(...canvasVsLtijs(results, 'first'), ...canvasVsLtijs(results, 'repeat'));
    for (const partner of ['clever', 'classlink'] as const) {
      const first = findGroup(results.aggregates, 'launchgate', partner, 'first', 64);
      rows.push({
        name: `${partner === 'clever' ? 'Clever' : 'ClassLink'} first launches, 64 users`,
        target: '≥ 400/s, p99 < 150 ms',
        measured: first ? `${fmt(first.perSecond)}/s, p99 ${fmt(first.p99)} ms, ${ofRounds(first.rounds)}` : 'not measured',
        met: first ? first.perSecond >= 400 && first.p99 < 150 : null,
      });
    }
    const j = results.jwks;
    rows.push({
      name: 'Platform JWKS fetches by LaunchGate',
      target: 'one per issuer per run',
      measured: j ? `${j.launchGateFetches} fetch(es) for ${j.issuers} issuer(s) over ${j.launchGateLaunches} launches` : 'not measured',
      met: j ? j.launchGateFetches === j.issuers : null,
    });
  } else {
    const all = results.correctness.find((c) => c.partner === 'all');
    const seats = results.options.seats;
    rows.push({
      name: `${results.options.users} new users against ${seats ?? 'unlimited'} seats`,
      target: `exactly ${seats} licenses and ${results.options.users - (seats ?? 0)} no_seats`,
      measured: all ? `${all.licenses} licenses, ${all.byReason.no_seats ?? 0} no_seats, ${all.usersCreated} users` : 'not measured',
      met: all && seats !== null ? all.licenses === seats && (all.byReason.no_seats ?? 0) === results.options.users - seats && all.unexpected === 0 : null,
    });
    rows.push({
      name: 'LaunchGate peak RSS during the burst',
      target: '< 300 MB',
      measured: `${fmt(results.launchGate.peakRssMb)} MB`,
      met: Number.isFinite(results.launchGate.peakRssMb) ? results.launchGate.peakRssMb < 300 : null,
    });
  }
  return rows;
}

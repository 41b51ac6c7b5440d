/**
 * The targets, checked against a run's figures. A target that the run did not measure (a
 * partner left out, no baseline) is reported as not measured rather than met.
 */
import type { BenchResults, PhaseKind, PhaseResult } from './run';
import type { BenchPartner } from './students';

export interface TargetRow {
  name: string;
  target: string;
  measured: string;
  /** null: not measured in this run. */
  met: boolean | null;
}

function phase(results: BenchResults, system: PhaseResult['system'], partner: BenchPartner, kind: PhaseKind, concurrency: number): PhaseResult | undefined {
  return results.phases.find((p) => p.system === system && p.partner === partner && p.kind === kind && p.concurrency === concurrency);
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function canvasVsLtijs(results: BenchResults, kind: PhaseKind): TargetRow[] {
  const rows: TargetRow[] = [];
  const label = kind === 'first' ? 'first launches with JIT' : 'repeat launches';
  for (const c of results.options.concurrency) {
    const ours = phase(results, 'launchgate', 'canvas', kind, c);
    const theirs = phase(results, 'ltijs', 'canvas', 'first', c);
    const ratio = ours !== undefined && theirs !== undefined ? ours.stats.perSecond / theirs.stats.perSecond : Number.NaN;
    rows.push({
      name: `Canvas ${label}, ${c} users: throughput vs ltijs bare launch`,
      target: '≥ 2.0x',
      measured: ours && theirs ? `${fmt(ratio, 2)}x (${fmt(ours.stats.perSecond)}/s vs ${fmt(theirs.stats.perSecond)}/s)` : 'not measured',
      met: ours && theirs ? ratio >= 2 : null,
    });
  }
  const ours = phase(results, 'launchgate', 'canvas', kind, 64);
  const theirs = phase(results, 'ltijs', 'canvas', 'first', 64);
  rows.push({
    name: `Canvas ${label}, 64 users: p99 vs ltijs bare launch`,
    target: '< 1/3 of ltijs',
    measured: ours && theirs ? `${fmt(ours.stats.p99)} ms vs ${fmt(theirs.stats.p99)} ms (${fmt(ours.stats.p99 / theirs.stats.p99, 2)}x)` : 'not measured',
    met: ours && theirs ? ours.stats.p99 < theirs.stats.p99 / 3 : null,
  });
  return rows;
}

export function evaluateTargets(results: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  if (results.options.scenario === 'default') {
    rows.push(...canvasVsLtijs(results, 'first'), ...canvasVsLtijs(results, 'repeat'));
    for (const partner of ['clever', 'classlink'] as const) {
      const first = phase(results, 'launchgate', partner, 'first', 64);
      rows.push({
        name: `${partner === 'clever' ? 'Clever' : 'ClassLink'} first launches, 64 users`,
        target: '≥ 400/s, p99 < 150 ms',
        measured: first ? `${fmt(first.stats.perSecond)}/s, p99 ${fmt(first.stats.p99)} ms` : 'not measured',
        met: first ? first.stats.perSecond >= 400 && first.stats.p99 < 150 : null,
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

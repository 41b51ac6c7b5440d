/** The benchmark's tables, as plain text for a terminal or a README. */
import { cpuMsPerLaunch, type CanvasRatio, type PhaseGroup } from './aggregate';
import type { BenchResults, PhaseResult } from './run';
import type { TargetRow } from './targets';

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function table(header: string[], rows: string[][], alignLeft = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < alignLeft ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const PARTNER_LABEL: Record<PhaseResult['partner'], string> = { canvas: 'Canvas', clever: 'Clever', classlink: 'ClassLink', all: 'All partners' };

function phaseLabel(p: Pick<PhaseResult, 'system' | 'kind'>): string {
  if (p.system === 'ltijs') return 'bare launch';
  return p.kind === 'first' ? 'first (JIT)' : 'repeat';
}

function serverLabel(p: Pick<PhaseResult, 'system' | 'partner'>): string {
  return p.system === 'ltijs' ? 'ltijs 5.9.9 (Canvas)' : PARTNER_LABEL[p.partner];
}

/** What the main table's figures are: medians, unless there was only one round to take them of. */
function groupsHeading(rounds: number): string {
  if (rounds === 1) return 'One round of each configuration:';
  return `Medians of ${rounds} rounds (LaunchGate and ltijs taking turns, new students each round; launches and errors: totals over the rounds; peak RSS: the highest):`;
}

function groupRows(groups: PhaseGroup[]): string[][] {
  return groups.map((g) => [
    serverLabel(g),
    phaseLabel(g),
    String(g.concurrency),
    String(g.rounds),
    String(g.launches),
    fmt(g.perSecond),
    fmt(g.p50),
    fmt(g.p95),
    fmt(g.p99),
    String(g.errors),
    fmt(g.cpuMsPerLaunch, 2),
    fmt(g.peakRssMb),
  ]);
}

/** Every measured phase on its own, in the order it ran, so the spread behind each median shows. */
function roundRows(phases: PhaseResult[]): string[][] {
  return phases.map((p) => [serverLabel(p), phaseLabel(p), String(p.concurrency), String(p.round + 1), fmt(p.stats.perSecond), fmt(p.stats.p99), fmt(cpuMsPerLaunch(p), 2)]);
}

const times = (n: number) => `${fmt(n, 2)}x`;

function ratioRows(ratios: CanvasRatio[]): string[][] {
  return ratios.map((r) => [
    r.kind === 'first' ? 'first (JIT)' : 'repeat',
    String(r.concurrency),
    String(r.perRound.length),
    // The per-round figures, in round order, beside their median: a drift across rounds shows.
    r.perRound.length > 1 ? `${times(r.median.throughput)} (${r.perRound.map((x) => fmt(x.throughput, 2)).join(', ')})` : times(r.median.throughput),
    times(r.median.p50),
    times(r.median.p99),
    times(r.median.cpuPerLaunch),
  ]);
}

/** First launches at the highest concurrency: the burst, hop by hop. */
function hopRows(groups: PhaseGroup[]): string[][] {
  const top = Math.max(...groups.map((g) => g.concurrency));
  return groups
    .filter((g) => g.kind === 'first' && g.concurrency === top && g.hops.length > 0)
    .flatMap((g) =>
      g.hops.map((h, k) => [k === 0 ? `${serverLabel(g)}, ${g.concurrency} users` : '', h.where, h.hop, fmt(h.p50, 1), fmt(h.p99, 1), fmt(h.mean, 1), fmt(h.tailMean, 1)]),
    );
}

function measuredTables(results: BenchResults): string[] {
  const out: string[] = [];
  const { groups, canvasVsLtijs } = results.aggregates;
  out.push(groupsHeading(results.options.rounds));
  out.push(
    table(
      ['server / partner', 'phase', 'users', 'rounds', 'launches', 'per s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'CPU ms/launch', 'peak RSS MB'],
      groupRows(groups),
      2,
    ),
  );
  // With one round the per-round table would repeat the table above.
  if (groups.some((g) => g.rounds > 1)) {
    out.push('');
    out.push('Each round, in the order run:');
    out.push(table(['server / partner', 'phase', 'users', 'round', 'per s', 'p99 ms', 'CPU ms/launch'], roundRows(results.phases.filter((p) => p.kind !== 'warmup')), 2));
  }
  if (canvasVsLtijs.length > 0) {
    out.push('');
    out.push('LaunchGate Canvas launches as a ratio to stock ltijs’s bare launch (same Canvas launches, same SQLite plugin),');
    out.push('each round’s LaunchGate phase against the ltijs phase run right after it; medians of the per-round ratios:');
    out.push(table(['LaunchGate phase', 'users', 'rounds', 'throughput (per round)', 'p50', 'p99', 'server CPU per launch'], ratioRows(canvasVsLtijs), 1));
    out.push('(throughput above 1x and the others below 1x favour LaunchGate)');
  }
  const hops = hopRows(groups);
  if (hops.length > 0) {
    out.push('');
    out.push('Where the time of a first launch goes, request by request (ms; medians of the rounds). A tail spread over every');
    out.push('server hop is the server’s queue; a slow partner hop is the simulator, or the machine it shares:');
    out.push(table(['first launches', 'where', 'request', 'p50', 'p99', 'mean', 'mean, slowest 1%'], hops, 3));
  }
  return out;
}

export function renderReport(results: BenchResults, targets: TargetRow[]): { text: string; correct: boolean } {
  const out: string[] = [];
  const m = results.machine;
  out.push(`LaunchGate benchmark — ${results.options.scenario} scenario, ${m.cpus} CPUs (${m.cpuModel}), Node ${m.node}`);
  out.push('Load generator, partner simulators and the server share this machine; latencies are whole launches (every redirect).');
  out.push(
    `LaunchGate: ${results.options.workers === 1 ? 'one process' : `${results.options.workers} worker processes (LAUNCHGATE_WORKERS), figures summed over them`}; ` +
      `virtual users join each phase over ${results.options.rampMs} ms.`,
  );
  out.push(`Load average at start: ${m.loadAverageAtStart.join(' ')}. CPU seconds during the run: ${Object.entries(results.cpuSeconds).map(([k, v]) => `${k} ${fmt(v, 1)}`).join(', ')}.`);
  out.push('');
  out.push(...measuredTables(results));

  out.push('');
  out.push('Correctness after the burst (admin API counts; audit events matched to launches in the SQLite file, read-only):');
  out.push(
    table(
      ['partner', 'students', 'users', 'seats', 'licenses', 'expected', 'launches', 'launch events', 'unexpected', 'ok'],
      results.correctness.map((c) => [
        c.partner,
        String(c.distinctStudents),
        String(c.usersCreated),
        c.seats === null ? 'unlimited' : String(c.seats),
        String(c.licenses),
        String(c.expectedLicenses),
        String(c.launches),
        String(c.launchEvents),
        String(c.unexpected),
        c.ok ? 'yes' : 'NO',
      ]),
    ),
  );
  const a = results.audit;
  const auditOk = a.withExactlyOneEvent === a.launches && a.strayEvents === 0;
  out.push(
    `Audit: ${a.withExactlyOneEvent} of ${a.launches} launches have exactly one launch event` +
      (a.withoutEvent > 0 ? `, ${a.withoutEvent} have none` : '') +
      (a.withSeveralEvents > 0 ? `, ${a.withSeveralEvents} have several` : '') +
      `; ${a.strayEvents} events without a launch. Store rows: ${a.usersRows} users, ${a.licensesRows} licenses.`,
  );
  const reasons = results.correctness.map((c) => `${c.partner}: ${Object.entries(c.byReason).filter(([, n]) => n > 0).map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}`);
  out.push(`Launch events by reason — ${reasons.join('; ')}`);

  if (results.jwks !== null) {
    const j = results.jwks;
    out.push('');
    out.push(
      `Platform JWKS fetches (Canvas simulator's counter): LaunchGate ${j.launchGateFetches} for ${j.issuers} issuer(s) over ${j.launchGateLaunches} launches` +
        (j.ltijsFetches !== null ? `; ltijs ${j.ltijsFetches} over ${j.ltijsLaunches} launches` : ''),
    );
  }
  const lg = results.launchGate;
  out.push(`LaunchGate process: peak RSS ${fmt(lg.peakRssMb)} MB, ${fmt(lg.cpuSeconds, 1)} CPU seconds, store ${fmt(lg.storeBytes / 2 ** 20, 1)} MB after the run.`);
  const failures = results.phases.flatMap((p) => p.stats.sampleErrors.map((e) => `${p.system === 'ltijs' ? 'ltijs ' : ''}${p.partner} ${p.kind} c=${p.concurrency}${p.kind === 'warmup' ? '' : ` round ${p.round + 1}`}: ${e}`));
  if (failures.length > 0) {
    out.push('');
    out.push('Unexpected outcomes (first few):');
    for (const f of failures.slice(0, 10)) out.push(`  ${f}`);
  }
  for (const note of results.notes) out.push(`Note: ${note}`);

  out.push('');
  out.push('Targets:');
  out.push(table(['target', 'wanted', 'measured', 'met'], targets.map((t) => [t.name, t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']), 3));

  const correct = results.correctness.every((c) => c.ok) && auditOk;
  return { text: out.join('\n'), correct };
}

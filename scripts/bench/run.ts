/**
 * One benchmark run: start the partner simulators and LaunchGate as separate processes, set up a
 * tenant per partner through the admin API, then, round after round, burst first launches and then
 * repeat launches at each concurrency level and run the stock-ltijs baseline on the same Canvas
 * launches right after; then stop everything and check what the store holds. LaunchGate and ltijs
 * take turns (ABAB) so that a slow stretch of a shared machine lands on both rather than on one.
 */
import os from 'node:os';
import { aggregate, type Aggregates } from './aggregate';
import { AdminClient, countTenant, createTenant, type Tenant } from './admin';
import { checkAudit, storeBytes, type AuditCheck } from './audit-check';
import { AgentPool, Browser } from './browser';
import { startCanvasDriver, type CanvasDriver } from './canvas-driver';
import { killAllChildren } from './children';
import type { PartnerDriver } from './driver';
import { hopBreakdown, type HopTime } from './hops';
import { runLoad, summarize, type LaunchOutcome, type PhaseStats } from './load';
import { startLaunchGate, type LaunchGateProcess } from './launchgate-process';
import { LTIJS_OK, ltijsOutcome, startLtijsBaseline, type LtijsBaseline } from './ltijs-baseline';
import { startOAuthDriver } from './oauth-driver';
import type { BenchOptions } from './options';
import { CpuLedger, measure, sampleProcess, type PhaseCost } from './resources';
import { makeStudents, type BenchPartner, type Student } from './students';

/** `warmup`: first launches of extra students before measuring (JIT compilation, first key fetch); not in the tables. */
export type PhaseKind = 'warmup' | 'first' | 'repeat';

/** The `round` of warmup phases: they come before the rounds and belong to none. */
export const WARMUP_ROUND = -1;

export interface PhaseResult {
  /** `ltijs` for the baseline. */
  system: 'launchgate' | 'ltijs';
  /** `all`: the seats scenario's whole burst, every partner at once. */
  partner: BenchPartner | 'all';
  kind: PhaseKind;
  concurrency: number;
  /** From 0 (the report counts from 1); WARMUP_ROUND (-1) for warmups; 0 in the seats scenario. */
  round: number;
  stats: PhaseStats;
  /** The server's CPU and peak RSS during the phase (LaunchGate's, or ltijs's for the baseline). */
  cost: PhaseCost | null;
  /** Calls the server made to the partner simulator during the phase. */
  partnerCalls: Record<string, number>;
  /** Connections the browsers opened during the phase (after warming): none, or the phase measured connection set-up. */
  connectionsOpened?: { server: number; partner: number };
}

export interface CorrectnessRow {
  partner: BenchPartner | 'all';
  /** Distinct students whose first launch was made. */
  distinctStudents: number;
  usersCreated: number;
  seats: number | null;
  licenses: number;
  expectedLicenses: number;
  launches: number;
  launchEvents: number;
  /** Launch audit events by reason (from the admin API). */
  byReason: Record<string, number>;
  /** Launches that ended other than the phase expected. */
  unexpected: number;
  ok: boolean;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; platform: string; loadAverageAtStart: number[] };
  /** CPU seconds used during the run, by process; `other processes` is work that was not the benchmark's. */
  cpuSeconds: Record<string, number>;
  options: BenchOptions;
  /** Every phase of every round, warmups included. */
  phases: PhaseResult[];
  /** The measured phases by configuration: medians over the rounds, and LaunchGate/ltijs ratios per round. */
  aggregates: Aggregates;
  correctness: CorrectnessRow[];
  audit: AuditCheck;
  /** Platform JWKS fetches seen by the Canvas simulator; null when Canvas was not run. */
  jwks: { launchGateFetches: number; issuers: number; launchGateLaunches: number; ltijsFetches: number | null; ltijsLaunches: number | null } | null;
  launchGate: { peakRssMb: number; cpuSeconds: number; storeBytes: number };
  notes: string[];
}

/** Reports progress on stderr, so stdout carries only the tables. */
export type Progress = (line: string) => void;

const EXPECTED: Record<PhaseKind, readonly string[]> = {
  warmup: ['user_created'],
  first: ['user_created'],
  repeat: ['existing_license'],
};

/** Partners that have a driver in this build of the benchmark. */
export type DriverFactory = (partner: BenchPartner, options: BenchOptions) => Promise<PartnerDriver>;

export const defaultDriverFactory: DriverFactory = async (partner, options) =>
  partner === 'canvas' ? startCanvasDriver(options.runtime) : startOAuthDriver(partner, options.runtime);

function isCanvasDriver(driver: PartnerDriver): driver is CanvasDriver {
  return driver.partner === 'canvas' && 'launchInto' in driver;
}

/** Which server a phase measures, and how one launch reaches it. */
interface PhaseTarget {
  system: PhaseResult['system'];
  pid: number;
  origin: string;
  launch(driver: PartnerDriver, browser: Browser, student: Student, requestId: string): Promise<LaunchOutcome>;
}

interface Cohort {
  partner: BenchPartner;
  concurrency: number;
  /** The round whose students these are; WARMUP_ROUND for a warmup cohort. */
  round: number;
  students: Student[];
  browsers: Browser[];
}

function machine(): BenchResults['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** Runs one launch with its browser timing each request; the outcome carries the hops. */
async function timedLaunch(browser: Browser, launch: () => Promise<LaunchOutcome>): Promise<LaunchOutcome> {
  const hops: HopTime[] = [];
  browser.hopTimes = hops;
  try {
    return { ...(await launch()), hops };
  } finally {
    browser.hopTimes = null;
  }
}

async function prepareCohort(cohort: Cohort, driver: PartnerDriver, concurrency: number): Promise<void> {
  await driver.addStudents(cohort.students);
  const prep = await runLoad(cohort.students.length, { concurrency, maxDurationMs: 600_000 }, async (i) => {
    await driver.prepare(cohort.browsers[i]!, cohort.students[i]!);
    return { outcome: 'ok' };
  });
  const failed = prep.records.filter((r) => r.outcome !== 'ok');
  if (failed.length > 0) throw new Error(`preparing ${driver.partner} students failed: ${failed[0]!.detail ?? failed[0]!.outcome}`);
}

export async function runBenchmark(options: BenchOptions, progress: Progress = () => undefined, factory: DriverFactory = defaultDriverFactory): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  const machineInfo = machine();
  const ledger = new CpuLedger();
  const notes: string[] = [];
  const drivers = new Map<BenchPartner, PartnerDriver>();
  const pool = new AgentPool(Math.max(...options.concurrency) * 2);
  let lg: LaunchGateProcess | null = null;
  // Typed by assertion: it is started inside a closure (ltijsTarget), which TypeScript's narrowing
  // of `= null` would not see, leaving it `null` (then `never`) after the phases.
  let ltijs = null as LtijsBaseline | null;
  try {
    for (const partner of options.partners) {
      progress(`starting the ${partner} simulator`);
      const driver = await factory(partner, options);
      drivers.set(partner, driver);
      ledger.track(`${partner} simulator`, driver.pid);
    }
    const partnerEnv = Object.assign({}, ...[...drivers.values()].map((d) => d.launchGateEnv())) as Record<string, string>;
    progress('starting LaunchGate');
    lg = await startLaunchGate({
      runtime: options.runtime,
      partnerEnv: { ...partnerEnv, LAUNCHGATE_WORKERS: String(options.workers) },
      logLevel: options.logLevel,
      nodeFlags: [...options.nodeFlags, ...(options.profileDir !== null ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [])],
    });
    ledger.track('LaunchGate', lg.pid);
    const admin = new AdminClient(lg.baseUrl, lg.adminToken);
    for (const driver of drivers.values()) await driver.attach(lg.baseUrl);

    // One organization per partner in the default run; in the seats scenario one district holds
    // every partner's connection, so all launches compete for the same seats.
    const tenants = new Map<BenchPartner, Tenant>();
    if (options.scenario === 'seats') {
      const shared = await createTenant(admin, { name: 'Bench district', domain: 'district.bench.k12.example', seats: options.seats, connections: [...drivers.values()].map((d) => d.connection()) });
      for (const partner of drivers.keys()) tenants.set(partner, shared);
    } else {
      for (const [partner, driver] of drivers) {
        tenants.set(partner, await createTenant(admin, { name: `Bench ${partner} district`, domain: `${partner}.bench.k12.example`, seats: options.seats, connections: [driver.connection()] }));
      }
    }

    const phases: PhaseResult[] = [];
    const requestIds: string[] = [];
    let peakRssMb = 0;

    const launchGate: PhaseTarget = { system: 'launchgate', pid: lg.pid, origin: lg.baseUrl, launch: (driver, browser, student, id) => driver.launch(browser, student, id) };

    /** Runs one phase; returns the students (indices) whose launch ended as expected. */
    const runPhase = async (cohort: Cohort, kind: PhaseKind, indices: number[], expected: readonly string[], target: PhaseTarget = launchGate): Promise<number[]> => {
      const driver = drivers.get(cohort.partner)!;
      await driver.resetCounters();
      await pool.warm(target.origin);
      await pool.warm(driver.origin);
      const opened = { server: pool.connectionsOpened(target.origin), partner: pool.connectionsOpened(driver.origin) };
      // The round keeps request ids unique: each round's cohort numbers its students from 0 again.
      const tag = `bench-${target.system}-${cohort.partner}-c${cohort.concurrency}-r${cohort.round}-${kind}`;
      const { value: load, cost } = await measure(target.pid, () =>
        runLoad(indices.length, { concurrency: cohort.concurrency, maxDurationMs: options.durationS * 1000, rampMs: options.rampMs }, (j): Promise<LaunchOutcome> => {
          const i = indices[j]!;
          const requestId = `${tag}-${i}`;
          if (target.system === 'launchgate') requestIds.push(requestId);
          return timedLaunch(cohort.browsers[i]!, () => target.launch(driver, cohort.browsers[i]!, cohort.students[i]!, requestId));
        }),
      );
      const stats = summarize(load, expected);
      stats.hops = hopBreakdown(load.records, target.origin);
      if (cost !== null && target.system === 'launchgate') peakRssMb = Math.max(peakRssMb, cost.peakRssMb);
      const connectionsOpened = { server: pool.connectionsOpened(target.origin) - opened.server, partner: pool.connectionsOpened(driver.origin) - opened.partner };
      const result: PhaseResult = { system: target.system, partner: cohort.partner, kind, concurrency: cohort.concurrency, round: cohort.round, stats, cost, partnerCalls: await driver.counters(), connectionsOpened };
      progress(
        `${target.system === 'ltijs' ? 'ltijs ' : ''}${cohort.partner} ${kind} c=${cohort.concurrency}${roundLabel(cohort.round)}: ${stats.launches} launches, ${stats.perSecond.toFixed(0)}/s, ` +
          `p50 ${stats.p50.toFixed(0)} ms, p99 ${stats.p99.toFixed(0)} ms, ${stats.errors} unexpected` +
          (stats.sampleErrors.length > 0 ? ` (${stats.sampleErrors[0]})` : ''),
      );
      phases.push(result);
      return load.records.filter((r) => expected.includes(r.outcome)).map((r) => indices[r.index]!);
    };

    const roundLabel = (round: number): string => (round === WARMUP_ROUND ? '' : ` round ${round + 1}/${options.rounds}`);

    /** Fresh browsers for the same students: ltijs must see launches from browsers that never saw it. */
    const freshBrowsers = (cohort: Cohort): Cohort => ({ ...cohort, browsers: cohort.students.map(() => new Browser(pool)) });

    /** Stock ltijs, started on first use: a run without the Canvas baseline never starts it, and LaunchGate's first Canvas phases run without it. */
    const ltijsTarget = async (canvas: CanvasDriver): Promise<PhaseTarget> => {
      if (ltijs === null) {
        progress('starting the stock ltijs baseline');
        ltijs = await startLtijsBaseline(options.runtime, canvas.platform);
        ledger.track('ltijs', ltijs.pid);
      }
      const base = ltijs;
      if (base.pid === undefined) throw new Error('the ltijs process has no pid');
      return {
        system: 'ltijs',
        pid: base.pid,
        origin: base.baseUrl,
        launch: async (_driver, browser, student, id) => ltijsOutcome(await canvas.launchInto(base.baseUrl, browser, student, id)),
      };
    };

    /** Unmeasured first launches of extra students, so that the first measured phase does not pay for JIT compilation. */
    const warmUp = async (partner: BenchPartner): Promise<Cohort | null> => {
      if (options.warmup === 0) return null;
      const students = makeStudents(partner, 0, 0, options.warmup, tenants.get(partner)!.domain);
      const warmup: Cohort = { partner, concurrency: Math.min(8, options.concurrency[0]!), round: WARMUP_ROUND, students, browsers: students.map(() => new Browser(pool)) };
      await prepareCohort(warmup, drivers.get(partner)!, warmup.concurrency);
      await runPhase(warmup, 'warmup', students.map((_s, i) => i), EXPECTED.warmup);
      return warmup;
    };

    let ltijsWarmedUp = false;
    /**
     * One round at one concurrency level: `cohortNumber` gives new students (so first launches
     * really create users), who launch into LaunchGate (first, then repeat) and, for Canvas, into
     * ltijs right after.
     */
    const measureRound = async (partner: BenchPartner, concurrency: number, round: number, cohortNumber: number, warmup: Cohort | null): Promise<void> => {
      const students = makeStudents(partner, cohortNumber, 0, options.users, tenants.get(partner)!.domain);
      const cohort: Cohort = { partner, concurrency, round, students, browsers: students.map(() => new Browser(pool)) };
      progress(`preparing ${students.length} ${partner} students (c=${concurrency}${roundLabel(round)})`);
      await prepareCohort(cohort, drivers.get(partner)!, concurrency);
      const everyone = students.map((_s, i) => i);
      const admitted = await runPhase(cohort, 'first', everyone, EXPECTED.first);
      // Only students whose first launch let them in come back.
      await runPhase(cohort, 'repeat', admitted.sort((a, b) => a - b), EXPECTED.repeat);
      const canvas = drivers.get('canvas');
      if (partner !== 'canvas' || !options.baseline || canvas === undefined || !isCanvasDriver(canvas)) return;
      const target = await ltijsTarget(canvas);
      // Once, before ltijs's first measured phase, as LaunchGate's warmup came before its own.
      if (warmup !== null && !ltijsWarmedUp) {
        ltijsWarmedUp = true;
        await runPhase(freshBrowsers(warmup), 'warmup', warmup.students.map((_s, i) => i), [LTIJS_OK], target);
      }
      // The same Canvas launches, from browsers that have never seen ltijs.
      await runPhase(freshBrowsers(cohort), 'first', everyone, [LTIJS_OK], target);
    };

    if (options.scenario === 'seats') {
      // One burst: the students are dealt round-robin to the partners, then launch once each.
      const concurrency = options.concurrency[0]!;
      const perPartner = new Map<BenchPartner, number>();
      [...drivers.keys()].forEach((p, k) => perPartner.set(p, Math.floor(options.users / drivers.size) + (k < options.users % drivers.size ? 1 : 0)));
      const cohorts: Cohort[] = [];
      for (const [partner, count] of perPartner) {
        const students = makeStudents(partner, 1, 0, count, tenants.get(partner)!.domain);
        const cohort: Cohort = { partner, concurrency, round: 0, students, browsers: students.map(() => new Browser(pool)) };
        progress(`preparing ${count} ${partner} students`);
        await prepareCohort(cohort, drivers.get(partner)!, concurrency);
        cohorts.push(cohort);
      }
      await runMixedBurst(pool, cohorts, drivers, lg, options, requestIds, phases, progress, (cost) => {
        if (cost !== null) peakRssMb = Math.max(peakRssMb, cost.peakRssMb);
      });
    } else {
      for (const partner of drivers.keys()) {
        const warmup = await warmUp(partner);
        for (let round = 0; round < options.rounds; round++) {
          for (const [ci, concurrency] of options.concurrency.entries()) {
            // A cohort number per (round, concurrency): every round's students are new people.
            await measureRound(partner, concurrency, round, 1 + round * options.concurrency.length + ci, warmup);
          }
        }
      }
    }
    if (ltijs !== null) {
      ledger.settle('ltijs');
      await ltijs.stop();
      ltijs = null;
    }

    // Correctness, through the admin API while LaunchGate still runs.
    progress('counting users, licenses and audit events');
    const correctness: CorrectnessRow[] = [];
    const countedTenants = new Set<string>();
    for (const [partner, tenant] of tenants) {
      if (options.scenario === 'seats' && countedTenants.has(tenant.orgId)) continue;
      countedTenants.add(tenant.orgId);
      const rowPartner: BenchPartner | 'all' = options.scenario === 'seats' ? 'all' : partner;
      const partnersHere = options.scenario === 'seats' ? [...drivers.keys()] : [partner];
      const counts = await countTenant(admin, tenant, ['user_created', 'existing_license', 'license_assigned', 'no_seats']);
      const mine = phases.filter((p) => p.system === 'launchgate' && p.partner !== 'all' && partnersHere.includes(p.partner));
      const distinct = mine.filter((p) => p.kind !== 'repeat').reduce((a, p) => a + p.stats.launches, 0);
      const launches = mine.reduce((a, p) => a + p.stats.launches, 0);
      const wrong = mine.reduce((a, p) => a + p.stats.errors, 0);
      const expectedLicenses = tenant.seats === null ? counts.users : Math.min(counts.users, tenant.seats);
      correctness.push({
        partner: rowPartner,
        distinctStudents: distinct,
        usersCreated: counts.users,
        seats: tenant.seats,
        licenses: counts.licenses,
        expectedLicenses,
        launches,
        launchEvents: counts.launchEvents,
        byReason: counts.byReason,
        unexpected: wrong,
        ok: counts.users === distinct && counts.licenses === expectedLicenses && counts.launchEvents === launches && wrong === 0,
      });
    }

    const final = sampleProcess(lg.pid);
    const cpuSeconds = final?.cpuSeconds ?? Number.NaN;
    peakRssMb = Math.max(peakRssMb, final?.rssMb ?? 0);
    const canvasPhases = phases.filter((p) => p.partner === 'canvas');
    const sum = (list: PhaseResult[], f: (p: PhaseResult) => number) => list.reduce((a, p) => a + f(p), 0);
    const ours = canvasPhases.filter((p) => p.system === 'launchgate');
    const theirs = canvasPhases.filter((p) => p.system === 'ltijs');
    const jwks: BenchResults['jwks'] =
      ours.length === 0
        ? null
        : {
            launchGateFetches: sum(ours, (p) => p.partnerCalls.jwksFetches ?? 0),
            issuers: 1,
            launchGateLaunches: sum(ours, (p) => p.stats.launches),
            ltijsFetches: theirs.length > 0 ? sum(theirs, (p) => p.partnerCalls.jwksFetches ?? 0) : null,
            ltijsLaunches: theirs.length > 0 ? sum(theirs, (p) => p.stats.launches) : null,
          };

    progress('stopping LaunchGate');
    ledger.settle('LaunchGate');
    await lg.stop();
    const audit = checkAudit(lg.sqliteFile, requestIds);
    const bytes = storeBytes(lg.sqliteFile);
    if (options.profileDir !== null) notes.push(`LaunchGate CPU profile written to ${options.profileDir}`);

    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machineInfo,
      cpuSeconds: ledger.read(),
      options,
      phases,
      aggregates: aggregate(phases),
      correctness,
      audit,
      jwks,
      launchGate: { peakRssMb, cpuSeconds, storeBytes: bytes },
      notes,
    };
  } finally {
    pool.destroy();
    if (ltijs !== null) await ltijs.stop().catch(() => undefined);
    for (const driver of drivers.values()) await driver.stop().catch(() => undefined);
    if (lg !== null) {
      await lg.stop().catch(() => undefined);
      if (options.keep) {
        lg.keep();
        progress(`LaunchGate's data directory is kept: ${lg.dataDir}`);
      } else {
        lg.cleanup();
      }
    }
    killAllChildren();
  }
}

/** The seats scenario's burst: every partner's students at once, sharing the virtual users. */
async function runMixedBurst(
  pool: AgentPool,
  cohorts: Cohort[],
  drivers: Map<BenchPartner, PartnerDriver>,
  lg: LaunchGateProcess,
  options: BenchOptions,
  requestIds: string[],
  phases: PhaseResult[],
  progress: Progress,
  onCost: (cost: PhaseCost | null) => void,
): Promise<void> {
  const order: Array<{ cohort: Cohort; i: number }> = [];
  const longest = Math.max(...cohorts.map((c) => c.students.length));
  for (let i = 0; i < longest; i++) for (const cohort of cohorts) if (i < cohort.students.length) order.push({ cohort, i });
  const concurrency = options.concurrency[0]!;
  for (const driver of drivers.values()) {
    await driver.resetCounters();
    await pool.warm(driver.origin);
  }
  await pool.warm(lg.baseUrl);
  progress(`burst: ${order.length} new students against ${options.seats ?? 'unlimited'} seats, ${concurrency} at a time`);
  const outcomesByPartner = new Map<BenchPartner, number[]>();
  const { value: load, cost } = await measure(lg.pid, () =>
    runLoad(order.length, { concurrency, maxDurationMs: options.durationS * 1000, rampMs: options.rampMs }, (j) => {
      const { cohort, i } = order[j]!;
      const requestId = `bench-${cohort.partner}-burst-${i}`;
      requestIds.push(requestId);
      const list = outcomesByPartner.get(cohort.partner) ?? [];
      list.push(j);
      outcomesByPartner.set(cohort.partner, list);
      const browser = cohort.browsers[i]!;
      return timedLaunch(browser, () => drivers.get(cohort.partner)!.launch(browser, cohort.students[i]!, requestId));
    }),
  );
  onCost(cost);
  const all = summarize(load, ['user_created', 'no_seats']);
  progress(`burst: ${all.launches} launches, ${all.perSecond.toFixed(0)}/s, p99 ${all.p99.toFixed(0)} ms, outcomes ${JSON.stringify(all.outcomes)}`);
  phases.push({ system: 'launchgate', partner: 'all', kind: 'first', concurrency, round: 0, stats: all, cost, partnerCalls: {} });
  // Each partner's share of the same burst: its latencies, and its launches over the whole burst's time.
  for (const cohort of cohorts) {
    const mine = new Set(outcomesByPartner.get(cohort.partner) ?? []);
    const records = load.records.filter((r) => mine.has(r.index));
    phases.push({
      system: 'launchgate',
      partner: cohort.partner,
      kind: 'first',
      concurrency,
      round: 0,
      stats: { ...summarize({ records, skipped: 0, elapsedMs: load.elapsedMs }, ['user_created', 'no_seats']), hops: hopBreakdown(records, lg.baseUrl) },
      cost: null,
      partnerCalls: await drivers.get(cohort.partner)!.counters(),
    });
  }
}

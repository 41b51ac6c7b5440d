/** The benchmark's command line: `npm run bench -- --users 2000 --concurrency 32,64 ...`. */
import type { Runtime } from './children';
import { BENCH_PARTNERS, type BenchPartner } from './students';

export type Scenario = 'default' | 'seats';

export interface BenchOptions {
  scenario: Scenario;
  partners: BenchPartner[];
  /** First launches (new students) per partner, concurrency level and round; the repeat phase relaunches them. */
  users: number;
  concurrency: number[];
  /**
   * Times each (partner, concurrency) measurement is repeated, LaunchGate and ltijs alternating, with
   * new students each round; the tables show medians. On a noisy machine one measurement per
   * configuration swings too much to compare. Always 1 in the seats scenario: its burst is one event.
   */
  rounds: number;
  /** No launch of a phase starts after this many seconds. */
  durationS: number;
  /** Virtual users join a phase evenly over this many milliseconds, not all in the same instant. */
  rampMs: number;
  /** LaunchGate's LAUNCHGATE_WORKERS. */
  workers: number;
  /** First launches of extra students per partner before measuring, so no measured phase pays for JIT compilation; not in the tables. */
  warmup: number;
  /** Seats of each tenant's entitlement; null for unlimited. */
  seats: number | null;
  logLevel: string;
  baseline: boolean;
  /** Where `node --cpu-prof` writes LaunchGate's profile; null for no profile. */
  profileDir: string | null;
  /** Extra flags for LaunchGate's node (e.g. --max-old-space-size=128). */
  nodeFlags: string[];
  out: string;
  runtime: Runtime;
  /** Keep LaunchGate's DATA_DIR (SQLite file, log) after the run, and say where it is. */
  keep: boolean;
}

export const HELP = `npm run bench -- [options]

  --scenario default|seats  default: first and repeat launches per partner, and the ltijs baseline;
                            seats: one burst of new users against fewer seats (10,000 vs 5,000)
  --partners LIST           comma-separated: canvas,clever,classlink (default all)
  --users N                 new students per partner, concurrency level and round (default 500; seats: 10000)
  --concurrency LIST        virtual users, comma-separated (default 32,64; seats: 64)
  --rounds N                measure every partner and concurrency level N times, LaunchGate and ltijs
                            taking turns, new students each round; the tables show medians
                            (default 3; seats: always 1)
  --duration S              longest a phase may run, in seconds (default 7; seats: 300)
  --ramp MS                 virtual users join each phase evenly over MS milliseconds (default 250; 0: all at once)
  --workers N               LaunchGate's LAUNCHGATE_WORKERS: processes sharing its port (default 1)
  --warmup N                unmeasured first launches per partner (and for ltijs) before the phases, so
                            the first measured phase does not pay for JIT compilation (default 1000;
                            seats: 0)
  --seats N|unlimited       seats of each tenant's entitlement (default unlimited; seats: 5000)
  --log-level LEVEL         LaunchGate's LOG_LEVEL (default info, as deployed)
  --no-baseline             skip stock ltijs
  --profile DIR             run LaunchGate under node --cpu-prof, profiles into DIR
  --node-flags "FLAGS"      extra node flags for LaunchGate, e.g. "--max-old-space-size=128"
  --keep                    keep LaunchGate's data directory (SQLite file, log) after the run
  --out FILE                results as JSON (default bench-results.json)
  --runtime dist|tsx        run the compiled build (default) or the TypeScript sources
`;

export class OptionError extends Error {
  override readonly name = 'OptionError';
}

function positiveInt(name: string, raw: string, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new OptionError(`${name} must be a whole number from 1 to ${max}, got "${raw}"`);
  return Number(raw);
}

function wholeNumber(name: string, raw: string, max: number): number {
  return raw === '0' ? 0 : positiveInt(name, raw, max);
}

/** The seats scenario's burst is one event (fixed seats, one crowd), so it has no rounds to take a median over. */
function parseRounds(raw: string | undefined, seatsScenario: boolean): number {
  if (!seatsScenario) return positiveInt('--rounds', raw ?? '3', 100);
  if (raw !== undefined && raw !== '1') throw new OptionError(`--rounds must be 1 with --scenario seats (its burst runs once), got "${raw}"`);
  return 1;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const given = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--no-baseline' || arg === '--keep' || arg === '--help' || arg === '-h') {
      flags.add(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (!name.startsWith('--') || value === undefined) throw new OptionError(`unexpected argument "${arg}"\n\n${HELP}`);
    given.set(name.slice(2), value);
  }
  if (flags.has('--help') || flags.has('-h')) throw new OptionError(HELP);
  const known = new Set(['scenario', 'partners', 'users', 'concurrency', 'rounds', 'duration', 'ramp', 'workers', 'warmup', 'seats', 'log-level', 'profile', 'node-flags', 'out', 'runtime']);
  for (const name of given.keys()) if (!known.has(name)) throw new OptionError(`unknown option --${name}\n\n${HELP}`);

  const scenario = given.get('scenario') ?? 'default';
  if (scenario !== 'default' && scenario !== 'seats') throw new OptionError(`--scenario must be default or seats, got "${scenario}"`);
  const seatsScenario = scenario === 'seats';

  const partners = (given.get('partners') ?? BENCH_PARTNERS.join(',')).split(',').map((p) => p.trim());
  for (const p of partners) if (!(BENCH_PARTNERS as readonly string[]).includes(p)) throw new OptionError(`--partners: unknown partner "${p}"`);

  const concurrency = (given.get('concurrency') ?? (seatsScenario ? '64' : '32,64')).split(',').map((c) => positiveInt('--concurrency', c.trim(), 1024));
  const seatsRaw = given.get('seats') ?? (seatsScenario ? '5000' : 'unlimited');
  const rounds = parseRounds(given.get('rounds'), seatsScenario);
  const runtime = given.get('runtime') ?? 'dist';
  if (runtime !== 'dist' && runtime !== 'tsx') throw new OptionError(`--runtime must be dist or tsx, got "${runtime}"`);

  return {
    scenario,
    partners: [...new Set(partners)] as BenchPartner[],
    users: positiveInt('--users', given.get('users') ?? (seatsScenario ? '10000' : '500'), 1_000_000),
    concurrency,
    rounds,
    durationS: positiveInt('--duration', given.get('duration') ?? (seatsScenario ? '300' : '7'), 3600),
    rampMs: wholeNumber('--ramp', given.get('ramp') ?? '250', 60_000),
    workers: positiveInt('--workers', given.get('workers') ?? '1', 64),
    warmup: wholeNumber('--warmup', given.get('warmup') ?? (seatsScenario ? '0' : '1000'), 100_000),
    seats: seatsRaw === 'unlimited' ? null : positiveInt('--seats', seatsRaw, 100_000_000),
    logLevel: given.get('log-level') ?? 'info',
    baseline: !flags.has('--no-baseline') && !seatsScenario,
    profileDir: given.get('profile') ?? null,
    nodeFlags: (given.get('node-flags') ?? '').split(/\s+/).filter((f) => f !== ''),
    out: given.get('out') ?? 'bench-results.json',
    runtime,
    keep: flags.has('--keep'),
  };
}

/**
 * What the benchmark needs from each partner, so the run treats Canvas, Clever and ClassLink alike:
 * a simulator in its own process, the connection that links its tenant, and a launch.
 */
import type { ConnectionSpec } from './admin';
import type { Browser } from './browser';
import type { LaunchOutcome } from './load';
import type { BenchPartner, Student } from './students';

export interface PartnerDriver {
  readonly partner: BenchPartner;
  /** The simulator's process id, for the CPU ledger. */
  readonly pid: number | undefined;
  /** The simulator's origin, which the browser also visits during a launch. */
  readonly origin: string;
  /** LaunchGate's environment for this partner (client ids, endpoint URLs). */
  launchGateEnv(): Record<string, string>;
  /** Called once LaunchGate's address is known (redirect URIs, tool URLs). */
  attach(launchGateUrl: string): Promise<void>;
  /** The connection that links this partner's tenant to a directory. */
  connection(): ConnectionSpec;
  /** Puts students into the partner's roster. */
  addStudents(students: Student[]): Promise<void>;
  /** What the student did before launching (signed in at the partner); not timed. */
  prepare(browser: Browser, student: Student): Promise<void>;
  /** One complete launch through LaunchGate's routes, tagged with `requestId` for the audit check. */
  launch(browser: Browser, student: Student, requestId: string): Promise<LaunchOutcome>;
  /** The simulator's counters (calls LaunchGate made to the partner). */
  counters(): Promise<Record<string, number>>;
  resetCounters(): Promise<void>;
  stop(): Promise<void>;
}

/** Sends students to a simulator process in slices that keep each IPC message small. */
export async function inSlices<T>(items: readonly T[], size: number, send: (slice: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await send(items.slice(i, i + size));
}

/**
 * The sandbox's launches: who launches through which partner, and how the audit event of each
 * attempt is found again. LaunchGate is not told about the sandbox, so the event is found the way
 * an admin would find it: the newest launch event of that partner since the attempt began, for the
 * persona's subject (or, for launches refused before anyone was identified, for its tenant).
 */
import { randomBytes } from 'node:crypto';
import { describeTenant, type Partner, type TenantKey } from '../identity/launch-identity';
import type { AuditEvent } from '../store/model';
import type { Store } from '../store/port';
import type { Persona } from './personas';

export const ENTRIES = ['course', 'portal', 'log-in-with'] as const;
export type Entry = (typeof ENTRIES)[number];

export interface SandboxLaunch {
  id: string;
  partner: Partner;
  persona: Persona;
  /** The persona's id at the partner. */
  subject: string;
  tenant: TenantKey;
  createdAt: Date;
  /** When the latest attempt began (a course page opened, a portal shown, "Log in with …" clicked). */
  attemptAt: Date;
  entry: Entry | null;
}

/** Kept in memory: the sandbox runs its simulators in this one process anyway. */
export class LaunchBook {
  private readonly launches = new Map<string, SandboxLaunch>();

  constructor(
    private readonly now: () => Date,
    private readonly max = 1000,
  ) {}

  create(input: Pick<SandboxLaunch, 'partner' | 'persona' | 'subject' | 'tenant'>): SandboxLaunch {
    const at = this.now();
    const launch: SandboxLaunch = { ...input, id: randomBytes(12).toString('base64url'), createdAt: at, attemptAt: at, entry: null };
    this.launches.set(launch.id, launch);
    // Oldest first in a Map: drop the oldest when full.
    while (this.launches.size > this.max) this.launches.delete(this.launches.keys().next().value!);
    return launch;
  }

  get(id: string): SandboxLaunch | undefined {
    return this.launches.get(id);
  }

  /** A new attempt: the result shown from now on is this attempt's. */
  attempt(launch: SandboxLaunch, entry: Entry): void {
    launch.attemptAt = this.now();
    launch.entry = entry;
  }
}

/** How many recent events of the partner are looked through; far more than one person's attempt makes. */
const SCAN = 200;

export function isEventOf(launch: SandboxLaunch, event: AuditEvent): boolean {
  if (event.kind !== 'launch' || event.partner !== launch.partner || event.time < launch.attemptAt) return false;
  if (event.subject !== null) return event.subject === launch.subject;
  return event.detail?.tenant === describeTenant(launch.tenant);
}

/** The audit event of the launch's latest attempt, or null while it has none yet. */
export async function findLaunchEvent(store: Store, launch: SandboxLaunch): Promise<AuditEvent | null> {
  const page = await store.listAudit({ kind: 'launch', partner: launch.partner, since: launch.attemptAt }, { limit: SCAN, offset: 0 });
  return page.items.find((event) => isEventOf(launch, event)) ?? null;
}

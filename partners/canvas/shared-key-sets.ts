/**
 * Platform key sets shared by every LaunchGate process on one store. Each process keeps its own
 * KeyObjects (PlatformKeys); this is where a process finds the set another one fetched a moment
 * ago, and the lease that lets only one of them fetch at a time. With it, a launch burst spread
 * over several workers or instances still costs the platform one JWKS fetch.
 */
import { randomUUID } from 'node:crypto';
import type { EphemeralStore } from '../../src/store/port';

const SETS = 'platform-jwks';
const LEASES = 'platform-jwks-fetch';
const FAILURES = 'platform-jwks-failed';

export interface SharedKeySet {
  /** The key set document as the platform sent it. */
  body: unknown;
  fetchedAt: number;
}

export class SharedKeySets {
  constructor(private readonly ephemeral: EphemeralStore) {}

  async read(jwksUrl: string): Promise<SharedKeySet | null> {
    const raw = await this.ephemeral.get(SETS, jwksUrl);
    if (raw === null) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<SharedKeySet>;
      return typeof parsed.fetchedAt === 'number' ? { body: parsed.body, fetchedAt: parsed.fetchedAt } : null;
    } catch {
      return null;
    }
  }

  async write(jwksUrl: string, set: SharedKeySet, keepUntil: Date): Promise<void> {
    await this.ephemeral.put(SETS, jwksUrl, JSON.stringify(set), keepUntil);
  }

  /**
   * The lease to fetch: a token for exactly one caller across processes until `until`, else null.
   * The token makes `release` free only the caller's own lease, never a later holder's.
   */
  async claimFetch(jwksUrl: string, until: Date): Promise<string | null> {
    const token = randomUUID();
    return (await this.ephemeral.putIfAbsent(LEASES, jwksUrl, token, until)) ? token : null;
  }

  async release(jwksUrl: string, token: string): Promise<void> {
    // Read-then-delete: the lease outlives the fetch it covers (timeout plus a margin), so it is
    // still ours here unless this process stalled past that margin.
    if ((await this.ephemeral.get(LEASES, jwksUrl)) === token) await this.ephemeral.delete(LEASES, jwksUrl);
  }

  /** Tells the processes waiting on this fetch that it failed, so they stop waiting. */
  async markFailed(jwksUrl: string, at: number, until: Date): Promise<void> {
    await this.ephemeral.put(FAILURES, jwksUrl, String(at), until);
  }

  /** Whether a fetch failed at or after `since` (and the failure is still fresh). */
  async failedSince(jwksUrl: string, since: number): Promise<boolean> {
    const raw = await this.ephemeral.get(FAILURES, jwksUrl);
    return raw !== null && Number(raw) >= since;
  }
}

/**
 * Platform key sets shared by every LaunchGate process on one store. Each process keeps its own
 * KeyObjects (PlatformKeys); this is where a process finds the set another one fetched a moment
 * ago, and the lease that lets only one of them fetch at a time. With it, a launch burst spread
 * over several workers or instances still costs the platform one JWKS fetch.
 */
import type { EphemeralStore } from '../../src/store/port';

const SETS = 'platform-jwks';
const LEASES = 'platform-jwks-fetch';

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

  /** True for exactly one caller, across processes, until `until` (or its release). */
  claimFetch(jwksUrl: string, until: Date): Promise<boolean> {
    return this.ephemeral.putIfAbsent(LEASES, jwksUrl, '1', until);
  }

  release(jwksUrl: string): Promise<void> {
    return this.ephemeral.delete(LEASES, jwksUrl);
  }
}

/**
 * Counts failures per key (an account's email, a client address) in the ephemeral store, so every
 * process sharing the store sees the same count. The port has no atomic increment, so each attempt
 * claims a free numbered slot with `putIfAbsent`: concurrent attempts claim different slots, and
 * when every slot is taken the key is locked. Each slot expires on its own, a window after the
 * attempt that took it.
 *
 * An attempt reserves its slot *before* the secret is checked, not after it fails: checking then
 * recording leaves a gap (the scrypt work) in which any number of parallel attempts all see the
 * key unlocked. A reservation is kept as the failure, or released when the attempt succeeds.
 */
import { createHash } from 'node:crypto';
import type { EphemeralStore } from '../../store/port';

export interface ThrottlePolicy {
  /** Failures within the window after which the key is locked. */
  maxFailures: number;
  windowMs: number;
}

/** A claimed slot. Left alone it counts as a failure until it expires; `release` frees it. */
export interface Reservation {
  release(): Promise<void>;
}

export class FailureCounter {
  constructor(
    private readonly ephemeral: EphemeralStore,
    private readonly namespace: string,
    readonly policy: ThrottlePolicy,
    private readonly now: () => Date,
  ) {
    if (!Number.isInteger(policy.maxFailures) || policy.maxFailures < 1) throw new Error('maxFailures must be a positive whole number');
  }

  /**
   * Claims one of the key's slots for an attempt about to be checked; null when all are taken (the
   * key is locked, and the attempt must not be checked at all).
   */
  async reserve(key: string): Promise<Reservation | null> {
    const expiresAt = new Date(this.now().getTime() + this.policy.windowMs);
    for (let i = 0; i < this.policy.maxFailures; i++) {
      const slot = this.slot(key, i);
      if (await this.ephemeral.putIfAbsent(this.namespace, slot, '1', expiresAt)) {
        return { release: () => this.ephemeral.delete(this.namespace, slot) };
      }
    }
    return null;
  }

  /** Whether every slot is taken (a reservation would be refused). */
  async isLocked(key: string): Promise<boolean> {
    for (let i = 0; i < this.policy.maxFailures; i++) {
      if ((await this.ephemeral.get(this.namespace, this.slot(key, i))) === null) return false;
    }
    return true;
  }

  /** Counts a failure that had no reservation (a no-op when the key is already locked). */
  async recordFailure(key: string): Promise<void> {
    await this.reserve(key);
  }

  async reset(key: string): Promise<void> {
    for (let i = 0; i < this.policy.maxFailures; i++) await this.ephemeral.delete(this.namespace, this.slot(key, i));
  }

  /** Hashed, so the store holds no email addresses and every key has the same length. */
  private slot(key: string, index: number): string {
    return `${createHash('sha256').update(key, 'utf8').digest('base64url')}#${index}`;
  }
}

/**
 * Counts failures per key (an account's email, a client address) in the ephemeral store, so every
 * process sharing the store sees the same count. The port has no atomic increment, so each failure
 * claims the first free numbered slot with `putIfAbsent`: concurrent failures claim different
 * slots, and the key is locked while its last slot is taken. Each slot expires on its own, a
 * window after the failure that took it.
 */
import { createHash } from 'node:crypto';
import type { EphemeralStore } from '../../store/port';

export interface ThrottlePolicy {
  /** Failures within the window after which the key is locked. */
  maxFailures: number;
  windowMs: number;
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

  async isLocked(key: string): Promise<boolean> {
    return (await this.ephemeral.get(this.namespace, this.slot(key, this.policy.maxFailures - 1))) !== null;
  }

  async recordFailure(key: string): Promise<void> {
    const expiresAt = new Date(this.now().getTime() + this.policy.windowMs);
    for (let i = 0; i < this.policy.maxFailures; i++) {
      if (await this.ephemeral.putIfAbsent(this.namespace, this.slot(key, i), '1', expiresAt)) return;
    }
  }

  async reset(key: string): Promise<void> {
    for (let i = 0; i < this.policy.maxFailures; i++) await this.ephemeral.delete(this.namespace, this.slot(key, i));
  }

  /** Hashed, so the store holds no email addresses and every key has the same length. */
  private slot(key: string, index: number): string {
    return `${createHash('sha256').update(key, 'utf8').digest('base64url')}#${index}`;
  }
}

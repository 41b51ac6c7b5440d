/**
 * /lti/register is open to anyone, and every registration costs: two outbound calls, an RSA key
 * pair (ltijs makes one per platform), a platform row, a key in /lti/keys and a pending connection
 * an admin has to look at. The gate admits a registration only while
 * - this client has made fewer than `perClient.max` attempts in the window,
 * - everyone together has made fewer than `global.max`, and
 * - fewer than `maxPending` registrations are waiting for an admin to link them,
 * and it answers before any of that work starts.
 *
 * The counts live in the shared ephemeral store, so they hold across LaunchGate processes. The
 * port has no atomic increment; as the console's sign-in throttle does, each attempt claims the
 * first free numbered slot with `putIfAbsent` (concurrent attempts claim different slots), and
 * each slot expires on its own a window after the attempt that took it. A client whose last slot
 * is taken is refused with one read, so a flood of refused requests costs one lookup each.
 *
 * The pending cap is a read then a write (count, then register): concurrent registrations can
 * overshoot it by at most the few the rate limits let through at once, which is what it is for.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { EphemeralStore } from '../../src/store/port';

export interface WindowLimit {
  max: number;
  windowMs: number;
}

export interface RegistrationLimits {
  /** Attempts per client address (an IPv6 client by its /64). */
  perClient: WindowLimit;
  /** Attempts from everyone together. */
  global: WindowLimit;
  /** Registrations waiting for an admin; more are refused until some are linked or deleted. */
  maxPending: number;
}

const HOUR = 60 * 60_000;

/** A school registers once; an admin retrying a failed registration needs a few attempts at most. */
export const DEFAULT_REGISTRATION_LIMITS: RegistrationLimits = {
  perClient: { max: 10, windowMs: HOUR },
  global: { max: 60, windowMs: HOUR },
  maxPending: 50,
};

export type RegistrationRefusalCode = 'registration_rate_limited' | 'registration_busy' | 'registration_pending_limit';

export class RegistrationRefusal extends Error {
  override readonly name = 'RegistrationRefusal';
  constructor(
    readonly code: RegistrationRefusalCode,
    readonly status: 429 | 503,
    /** Shown on the page: what the admin in Canvas should do. */
    readonly advice: string,
  ) {
    super(advice);
  }
}

const NS = 'canvas-register';

/** Counts attempts per key in the ephemeral store, one numbered slot per attempt. */
export class SlotLimiter {
  constructor(
    private readonly ephemeral: EphemeralStore,
    private readonly scope: string,
    private readonly limit: WindowLimit,
    private readonly now: () => Date,
  ) {
    if (!Number.isInteger(limit.max) || limit.max < 1) throw new Error(`${scope}: max must be a positive whole number`);
  }

  /** True while the last slot is taken: the key is spent for now. */
  async isFull(key: string): Promise<boolean> {
    return (await this.ephemeral.get(NS, this.slot(key, this.limit.max - 1))) !== null;
  }

  /** Claims a slot; false when every slot is taken. */
  async take(key: string): Promise<boolean> {
    if (await this.isFull(key)) return false;
    const expiresAt = new Date(this.now().getTime() + this.limit.windowMs);
    for (let i = 0; i < this.limit.max; i++) {
      if (await this.ephemeral.putIfAbsent(NS, this.slot(key, i), '1', expiresAt)) return true;
    }
    return false;
  }

  /** Hashed, so the store holds no client addresses. */
  private slot(key: string, index: number): string {
    return `${this.scope}:${createHash('sha256').update(key, 'utf8').digest('base64url')}#${index}`;
  }
}

/**
 * The key a client is counted under. One IPv6 subscriber usually holds a whole /64, so counting
 * single IPv6 addresses would let one client rotate through billions of them.
 */
export function clientKey(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

export interface RegistrationGate {
  /** Throws RegistrationRefusal when this registration may not start now. */
  admit(clientIp: string | undefined): Promise<void>;
}

export function registrationGate(deps: {
  ephemeral: EphemeralStore;
  now: () => Date;
  limits: RegistrationLimits;
  countPending(): Promise<number>;
}): RegistrationGate {
  const perClient = new SlotLimiter(deps.ephemeral, 'client', deps.limits.perClient, deps.now);
  const global = new SlotLimiter(deps.ephemeral, 'global', deps.limits.global, deps.now);
  const busy = () =>
    new RegistrationRefusal('registration_busy', 503, 'LaunchGate is receiving too many registrations right now. Wait an hour, then start the registration again from Canvas.');
  return {
    async admit(clientIp) {
      // Global first, read-only: when everyone is spent, a refused request writes nothing.
      if (await global.isFull('all')) throw busy();
      if (!(await perClient.take(clientKey(clientIp)))) {
        throw new RegistrationRefusal(
          'registration_rate_limited',
          429,
          'Too many registration attempts from your network. Wait an hour, then start the registration again from Canvas.',
        );
      }
      if (!(await global.take('all'))) throw busy();
      if ((await deps.countPending()) >= deps.limits.maxPending) {
        throw new RegistrationRefusal(
          'registration_pending_limit',
          503,
          'Too many Canvas registrations are waiting for a LaunchGate administrator. Ask your LaunchGate operator to link or remove the pending ones, then start the registration again.',
        );
      }
    },
  };
}

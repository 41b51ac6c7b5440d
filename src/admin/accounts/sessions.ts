/**
 * Console sessions, kept in the ephemeral store so any process on the same store serves any
 * request. The cookie holds a random token; the store holds the session under the token's hash,
 * so a copy of the database does not hand out live sessions. A session ends after `idleMs` without
 * a request, or `absoluteMs` after sign-in, whichever comes first.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AdminAccount } from '../../store/model';
import type { EphemeralStore } from '../../store/port';

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 12 * 60 * 60_000 };

/** A message for the next page the admin sees (post, redirect, get). */
export interface Flash {
  kind: 'success' | 'error';
  text: string;
  details?: string[];
}

export interface SessionRecord {
  accountId: string;
  /** The synchronizer token every form of this session carries. */
  csrf: string;
  /** Ties the session to the password it was opened with: changing the password ends it. */
  credential: string;
  createdAt: number;
  absoluteExpiresAt: number;
  lastSeenAt: number;
  flash: Flash[];
}

const NAMESPACE = 'admin-session';
/** Refreshing the idle expiry is a write; once a minute per session is enough. */
const REFRESH_AFTER_MS = 60_000;

export function credentialOf(account: Pick<AdminAccount, 'passwordHash'>): string {
  return createHash('sha256').update(account.passwordHash, 'utf8').digest('base64url').slice(0, 22);
}

function storageKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

function isRecord(value: unknown): value is SessionRecord {
  const r = value as Partial<SessionRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.accountId === 'string' &&
    typeof r.csrf === 'string' &&
    typeof r.credential === 'string' &&
    typeof r.absoluteExpiresAt === 'number' &&
    typeof r.lastSeenAt === 'number' &&
    Array.isArray(r.flash)
  );
}

/** Constant-time comparison of two strings of any length. */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

export class SessionStore {
  constructor(
    private readonly ephemeral: EphemeralStore,
    private readonly now: () => Date,
    readonly policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  ) {}

  /** A new session with fresh token and CSRF token: never reuses one from before sign-in. */
  async create(account: AdminAccount): Promise<{ token: string; record: SessionRecord }> {
    const now = this.now().getTime();
    const token = randomBytes(32).toString('base64url');
    const record: SessionRecord = {
      accountId: account.id,
      csrf: randomBytes(32).toString('base64url'),
      credential: credentialOf(account),
      createdAt: now,
      absoluteExpiresAt: now + this.policy.absoluteMs,
      lastSeenAt: now,
      flash: [],
    };
    await this.write(token, record);
    return { token, record };
  }

  /** The live session for a cookie token, its idle expiry pushed back; null when there is none. */
  async load(token: string): Promise<SessionRecord | null> {
    if (token.length === 0 || token.length > 100) return null;
    const raw = await this.ephemeral.get(NAMESPACE, storageKey(token));
    if (raw === null) return null;
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch {
      return null;
    }
    if (!isRecord(record)) return null;
    const now = this.now().getTime();
    // The store's expiry already enforces both limits; these checks cover a clock that moved.
    if (now >= record.absoluteExpiresAt || now - record.lastSeenAt >= this.policy.idleMs) {
      await this.destroy(token);
      return null;
    }
    if (now - record.lastSeenAt >= REFRESH_AFTER_MS) {
      record.lastSeenAt = now;
      await this.write(token, record);
    }
    return record;
  }

  async save(token: string, record: SessionRecord): Promise<void> {
    await this.write(token, record);
  }

  async destroy(token: string): Promise<void> {
    await this.ephemeral.delete(NAMESPACE, storageKey(token));
  }

  private async write(token: string, record: SessionRecord): Promise<void> {
    const expiresAt = Math.min(record.lastSeenAt + this.policy.idleMs, record.absoluteExpiresAt);
    await this.ephemeral.put(NAMESPACE, storageKey(token), JSON.stringify(record), new Date(expiresAt));
  }
}

/**
 * Short-lived single-use values. Each operation is one SQL statement, so it is atomic across every
 * connection to the file, including other processes: that is what replay protection rests on.
 */
import type Database from 'better-sqlite3';
import type { EphemeralStore } from '../port';

interface Keyed {
  namespace: string;
  key: string;
}
interface Valued extends Keyed {
  value: string;
  expiresAt: number;
}

export class SqliteEphemeralStore implements EphemeralStore {
  private readonly putIfAbsentStmt: Database.Statement<[Valued & { now: number }]>;
  private readonly putStmt: Database.Statement<[Valued]>;
  private readonly getStmt: Database.Statement<[Keyed & { now: number }], string>;
  private readonly consumeStmt: Database.Statement<[Keyed & { now: number }], string>;
  private readonly deleteStmt: Database.Statement<[Keyed]>;
  private readonly purgeStmt: Database.Statement<[number]>;

  constructor(
    db: Database.Database,
    private readonly now: () => Date,
    private readonly guard: <T>(fn: () => T) => T,
  ) {
    // An expired row counts as absent: the conflict branch replaces it only when it has expired,
    // and reports no change otherwise.
    this.putIfAbsentStmt = db.prepare(`
      INSERT INTO ephemeral (namespace, key, value, expires_at) VALUES (@namespace, @key, @value, @expiresAt)
      ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
        WHERE ephemeral.expires_at <= @now`);
    this.putStmt = db.prepare(`
      INSERT INTO ephemeral (namespace, key, value, expires_at) VALUES (@namespace, @key, @value, @expiresAt)
      ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`);
    this.getStmt = db
      .prepare<[Keyed & { now: number }], string>(
        'SELECT value FROM ephemeral WHERE namespace = @namespace AND key = @key AND expires_at > @now',
      )
      .pluck();
    this.consumeStmt = db
      .prepare<[Keyed & { now: number }], string>(
        'DELETE FROM ephemeral WHERE namespace = @namespace AND key = @key AND expires_at > @now RETURNING value',
      )
      .pluck();
    this.deleteStmt = db.prepare('DELETE FROM ephemeral WHERE namespace = @namespace AND key = @key');
    this.purgeStmt = db.prepare('DELETE FROM ephemeral WHERE expires_at <= ?');
  }

  async putIfAbsent(namespace: string, key: string, value: string, expiresAt: Date): Promise<boolean> {
    return this.guard(
      () =>
        this.putIfAbsentStmt.run({ namespace, key, value, expiresAt: expiresAt.getTime(), now: this.nowMs() })
          .changes === 1,
    );
  }

  async put(namespace: string, key: string, value: string, expiresAt: Date): Promise<void> {
    this.guard(() => this.putStmt.run({ namespace, key, value, expiresAt: expiresAt.getTime() }));
  }

  async get(namespace: string, key: string): Promise<string | null> {
    return this.guard(() => this.getStmt.get({ namespace, key, now: this.nowMs() }) ?? null);
  }

  async consume(namespace: string, key: string): Promise<string | null> {
    return this.guard(() => this.consumeStmt.get({ namespace, key, now: this.nowMs() }) ?? null);
  }

  async delete(namespace: string, key: string): Promise<void> {
    this.guard(() => this.deleteStmt.run({ namespace, key }));
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.guard(() => this.purgeStmt.run(now.getTime()).changes);
  }

  private nowMs(): number {
    return this.now().getTime();
  }
}

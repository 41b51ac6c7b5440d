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

export interface EphemeralStatements {
  putIfAbsent: Database.Statement<[Valued & { now: number }]>;
  put: Database.Statement<[Valued]>;
  get: Database.Statement<[Keyed & { now: number }], string>;
  consume: Database.Statement<[Keyed & { now: number }], string>;
  delete: Database.Statement<[Keyed]>;
  purge: Database.Statement<[number]>;
}

export function prepareEphemeralStatements(db: Database.Database): EphemeralStatements {
  return {
    // An expired row counts as absent: the conflict branch replaces it only when it has expired,
    // and changes nothing (0 rows) otherwise.
    putIfAbsent: db.prepare(`
      INSERT INTO ephemeral (namespace, key, value, expires_at) VALUES (@namespace, @key, @value, @expiresAt)
      ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
        WHERE ephemeral.expires_at <= @now`),
    put: db.prepare(`
      INSERT INTO ephemeral (namespace, key, value, expires_at) VALUES (@namespace, @key, @value, @expiresAt)
      ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`),
    get: db
      .prepare<[Keyed & { now: number }], string>(
        'SELECT value FROM ephemeral WHERE namespace = @namespace AND key = @key AND expires_at > @now',
      )
      .pluck(),
    // One statement: the row is gone by the time any other connection can look.
    consume: db
      .prepare<[Keyed & { now: number }], string>(
        'DELETE FROM ephemeral WHERE namespace = @namespace AND key = @key AND expires_at > @now RETURNING value',
      )
      .pluck(),
    delete: db.prepare('DELETE FROM ephemeral WHERE namespace = @namespace AND key = @key'),
    purge: db.prepare('DELETE FROM ephemeral WHERE expires_at <= ?'),
  };
}

export class SqliteEphemeralStore implements EphemeralStore {
  constructor(
    /** The prepared statements; throws until the store is initialized. */
    private readonly statements: () => EphemeralStatements,
    private readonly now: () => Date,
    private readonly guard: <T>(fn: () => T) => T,
    /** Writes go through the store's group commit: settled once committed. */
    private readonly write: <T>(fn: () => T) => Promise<T>,
  ) {}

  async putIfAbsent(namespace: string, key: string, value: string, expiresAt: Date): Promise<boolean> {
    return this.write(
      () =>
        this.statements().putIfAbsent.run({ namespace, key, value, expiresAt: expiresAt.getTime(), now: this.nowMs() })
          .changes === 1,
    );
  }

  async put(namespace: string, key: string, value: string, expiresAt: Date): Promise<void> {
    await this.write(() => this.statements().put.run({ namespace, key, value, expiresAt: expiresAt.getTime() }));
  }

  async get(namespace: string, key: string): Promise<string | null> {
    return this.guard(() => this.statements().get.get({ namespace, key, now: this.nowMs() }) ?? null);
  }

  async consume(namespace: string, key: string): Promise<string | null> {
    return this.write(() => this.statements().consume.get({ namespace, key, now: this.nowMs() }) ?? null);
  }

  async delete(namespace: string, key: string): Promise<void> {
    await this.write(() => this.statements().delete.run({ namespace, key }));
  }

  async purgeExpired(now: Date): Promise<number> {
    return this.write(() => this.statements().purge.run(now.getTime()).changes);
  }

  private nowMs(): number {
    return this.now().getTime();
  }
}

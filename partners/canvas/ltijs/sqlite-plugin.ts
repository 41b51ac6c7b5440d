/**
 * ltijs's storage on the embedded SQLite file: the seven-method `{plugin}` contract of ltijs 5.9.9,
 * one `ltijs_*` table per collection (JSON documents), in the same file as LaunchGate's store but
 * on its own connection.
 *
 * What it does that ltijs's MongoDB backend leaves to chance:
 * - unique indexes (platform url+client id, kids, nonces, states) make duplicate inserts fail
 *   atomically instead of relying on get-then-insert;
 * - expiry is enforced on read (an expired row is never returned) and purged periodically;
 * - `Replace` runs in one IMMEDIATE transaction;
 * - `Delete` never rejects: ltijs calls it without `await` in three places, and a rejected promise
 *   there would crash Node 20 with an unhandled rejection.
 * Encrypted collections use ltijs's own format (AES-256-CBC, key sha256(secret), `{...index, iv,
 * data}`), so rows can move between backends.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { LtijsDatabase, LtijsDocument, LtijsQuery } from 'ltijs';
import { flushGroupCommits } from '../../../src/store/sqlite/group-commit';

interface CollectionSpec {
  table: string;
  /** Each entry is one unique index over these top-level fields. */
  unique: string[][];
  /** Plain (non-unique) indexes, for the lookups ltijs makes on every launch (ltijs's Mongo schema has the same). */
  indexes?: string[][];
  /** Row lifetime in seconds (ltijs's Mongo TTLs), or null for rows that live until deleted. */
  ttlSeconds: number | null;
}

/** Every collection ltijs 5.9.9 uses. The nonce lifetime outlives the token age we accept. */
const COLLECTIONS: Record<string, CollectionSpec> = {
  platform: { table: 'ltijs_platform', unique: [['platformUrl', 'clientId'], ['kid']], ttlSeconds: null },
  platformStatus: { table: 'ltijs_platform_status', unique: [['id']], ttlSeconds: null },
  publickey: { table: 'ltijs_publickey', unique: [['kid']], ttlSeconds: null },
  privatekey: { table: 'ltijs_privatekey', unique: [['kid']], ttlSeconds: null },
  accesstoken: { table: 'ltijs_accesstoken', unique: [['platformUrl', 'clientId', 'scopes']], ttlSeconds: 3600 },
  idtoken: { table: 'ltijs_idtoken', unique: [], indexes: [['iss', 'clientId', 'deploymentId', 'user']], ttlSeconds: 24 * 3600 },
  contexttoken: { table: 'ltijs_contexttoken', unique: [], indexes: [['contextId', 'user']], ttlSeconds: 24 * 3600 },
  nonce: { table: 'ltijs_nonce', unique: [['nonce']], ttlSeconds: 15 * 60 },
  state: { table: 'ltijs_state', unique: [['state']], ttlSeconds: 600 },
};

const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const PURGE_EVERY_MS = 10 * 60_000;

export class LtijsStorageError extends Error {
  override readonly name = 'LtijsStorageError';
  constructor(
    readonly code: 'unknown_collection' | 'bad_query' | 'missing_params' | 'not_open',
    message: string,
  ) {
    super(message);
  }
}

export interface LtijsSqliteOptions {
  file: string;
  now?: () => Date;
  /** Called when a Delete fails (it never rejects). */
  onError?: (err: unknown, operation: string) => void;
  busyTimeoutMs?: number;
}

interface Row {
  id: number;
  doc: string;
  created_at: number;
}

function spec(collection: string): CollectionSpec {
  const found = Object.prototype.hasOwnProperty.call(COLLECTIONS, collection) ? COLLECTIONS[collection] : undefined;
  if (!found) throw new LtijsStorageError('unknown_collection', `ltijs asked for an unknown collection "${collection}"`);
  return found;
}

function jsonPath(field: string): string {
  if (!FIELD.test(field)) throw new LtijsStorageError('bad_query', `ltijs queried an unexpected field name "${field.slice(0, 64)}"`);
  return `$.${field}`;
}

/**
 * `json_extract(doc, '$.field')` with the path as SQL text: SQLite uses an expression index only
 * when the query's expression is the index's, literally (a bound path would scan the table). The
 * field name is checked against FIELD first, so it can hold no quote.
 */
function fieldExpression(field: string): string {
  return `json_extract(doc, '${jsonPath(field)}')`;
}

/** ltijs's own encryption (Database.js Encrypt/Decrypt), so documents stay portable. */
function encrypt(plaintext: string, secret: string): { iv: string; data: string } {
  const key = createHash('sha256').update(secret).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return { iv: iv.toString('hex'), data: Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('hex') };
}

function decrypt(data: string, iv: string, secret: string): string {
  const key = createHash('sha256').update(secret).digest();
  const decipher = createDecipheriv('aes-256-cbc', key, Buffer.from(iv, 'hex'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'hex')), decipher.final()]).toString('utf8');
}

export class LtijsSqlitePlugin implements LtijsDatabase {
  private db: Database.Database | null = null;
  private purgeTimer: NodeJS.Timeout | null = null;
  private readonly now: () => Date;

  constructor(private readonly options: LtijsSqliteOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async setup(): Promise<boolean> {
    if (this.db) return true;
    if (this.options.file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(this.options.file)), { recursive: true });
    if (this.options.file !== ':memory:') flushGroupCommits(this.options.file);
    const db = new Database(this.options.file);
    try {
      db.pragma(`busy_timeout = ${this.options.busyTimeoutMs ?? 5000}`);
      if (this.options.file !== ':memory:') db.pragma('journal_mode = WAL');
      db.transaction(() => {
        for (const { table, unique, indexes } of Object.values(COLLECTIONS)) {
          db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER
          )`);
          db.exec(`CREATE INDEX IF NOT EXISTS ${table}_expires ON ${table}(expires_at) WHERE expires_at IS NOT NULL`);
          unique.forEach((fields, i) => {
            db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${table}_u${i} ON ${table}(${fields.map(fieldExpression).join(', ')})`);
          });
          (indexes ?? []).forEach((fields, i) => {
            db.exec(`CREATE INDEX IF NOT EXISTS ${table}_i${i} ON ${table}(${fields.map(fieldExpression).join(', ')})`);
          });
        }
      }).immediate();
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    this.purgeTimer = setInterval(() => this.purgeExpired(), PURGE_EVERY_MS);
    this.purgeTimer.unref();
    return true;
  }

  async Close(): Promise<boolean> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.purgeTimer = null;
    this.db?.close();
    this.db = null;
    return true;
  }

  async Get(key: string | false, collection: string, query?: LtijsQuery): Promise<LtijsDocument[] | false> {
    const rows = this.select(collection, query ?? {});
    if (rows.length === 0) return false;
    return rows.map((row) => {
      const doc = JSON.parse(row.doc) as LtijsDocument;
      if (!key) return doc;
      const plain = JSON.parse(decrypt(String(doc.data), String(doc.iv), key)) as LtijsDocument;
      return { ...plain, createdAt: row.created_at };
    });
  }

  async Insert(key: string | false, collection: string, item: LtijsDocument, index?: LtijsQuery): Promise<boolean> {
    if (!item || (key && !index)) throw new LtijsStorageError('missing_params', 'ltijs Insert without an item (or an index for an encrypted item)');
    const doc = key ? { ...index, ...encrypt(JSON.stringify(item), key) } : item;
    const db = this.openForWriting();
    db.transaction(() => {
      this.purgeTable(collection);
      this.insertRow(collection, doc);
    }).immediate();
    return true;
  }

  async Replace(key: string | false, collection: string, query: LtijsQuery, item: LtijsDocument, index?: LtijsQuery): Promise<boolean> {
    if (!item || (key && !index)) throw new LtijsStorageError('missing_params', 'ltijs Replace without an item (or an index for an encrypted item)');
    const doc = key ? { ...index, ...encrypt(JSON.stringify(item), key) } : item;
    const db = this.openForWriting();
    db.transaction(() => {
      this.purgeTable(collection);
      const { sql, params } = this.where(query);
      db.prepare(`DELETE FROM ${spec(collection).table} WHERE ${sql}`).run(...params);
      this.insertRow(collection, doc);
    }).immediate();
    return true;
  }

  /** Like Mongo's updateOne: the first matching document gets the shallow change. */
  async Modify(key: string | false, collection: string, query: LtijsQuery, modification: LtijsDocument): Promise<boolean> {
    if (!query || !modification) throw new LtijsStorageError('missing_params', 'ltijs Modify without a query or a change');
    const db = this.openForWriting();
    const table = spec(collection).table;
    db.transaction(() => {
      const [row] = this.select(collection, query, 1);
      if (!row) return;
      const doc = JSON.parse(row.doc) as LtijsDocument;
      let next: LtijsDocument;
      if (key) {
        // ltijs changes one field of the encrypted document (its first key), then re-encrypts.
        const plain = JSON.parse(decrypt(String(doc.data), String(doc.iv), key)) as LtijsDocument;
        const [field, value] = Object.entries(modification)[0] ?? [];
        if (field !== undefined) plain[field] = value;
        next = { ...doc, ...encrypt(JSON.stringify(plain), key) };
      } else {
        next = { ...doc, ...modification };
      }
      db.prepare(`UPDATE ${table} SET doc = ? WHERE id = ?`).run(JSON.stringify(next), row.id);
    }).immediate();
    return true;
  }

  async Delete(collection: string, query: LtijsQuery): Promise<boolean> {
    try {
      if (!query) throw new LtijsStorageError('missing_params', 'ltijs Delete without a query');
      const { sql, params } = this.where(query);
      this.openForWriting().prepare(`DELETE FROM ${spec(collection).table} WHERE ${sql}`).run(...params);
      return true;
    } catch (err) {
      this.options.onError?.(err, `Delete ${collection}`);
      return false;
    }
  }

  /** Removes expired rows from every collection; returns how many. */
  purgeExpired(): number {
    if (!this.db) return 0;
    let removed = 0;
    try {
      this.openForWriting();
      for (const collection of Object.keys(COLLECTIONS)) removed += this.purgeTable(collection);
    } catch (err) {
      this.options.onError?.(err, 'purge');
    }
    return removed;
  }

  /**
   * The connection, once LaunchGate's store in this process has committed what it holds open on
   * the same file: its group commit keeps the write lock until the end of the turn, and this
   * connection waiting for it on the same thread would wait the whole busy timeout.
   */
  private openForWriting(): Database.Database {
    const db = this.open();
    if (this.options.file !== ':memory:') flushGroupCommits(this.options.file);
    return db;
  }

  private open(): Database.Database {
    if (!this.db) throw new LtijsStorageError('not_open', 'ltijs storage is not set up (or was closed)');
    return this.db;
  }

  private purgeTable(collection: string): number {
    const { table, ttlSeconds } = spec(collection);
    if (ttlSeconds === null) return 0;
    return this.open().prepare(`DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ?`).run(this.now().getTime()).changes;
  }

  private insertRow(collection: string, doc: LtijsDocument): void {
    const { table, ttlSeconds } = spec(collection);
    const now = this.now().getTime();
    this.open()
      .prepare(`INSERT INTO ${table} (doc, created_at, expires_at) VALUES (?, ?, ?)`)
      .run(JSON.stringify(doc), now, ttlSeconds === null ? null : now + ttlSeconds * 1000);
  }

  private select(collection: string, query: LtijsQuery, limit?: number): Row[] {
    const { table } = spec(collection);
    const { sql, params } = this.where(query);
    const text = `SELECT id, doc, created_at FROM ${table} WHERE ${sql} AND (expires_at IS NULL OR expires_at > ?) ORDER BY id${limit ? ` LIMIT ${limit}` : ''}`;
    return this.open().prepare<unknown[], Row>(text).all(...params, this.now().getTime());
  }

  /**
   * Equality on top-level fields, ANDed. Values are bound parameters; the field's JSON path is SQL
   * text (checked against FIELD) so that the indexes above serve the lookup.
   */
  private where(query: LtijsQuery): { sql: string; params: unknown[] } {
    const clauses: string[] = ['1 = 1'];
    const params: unknown[] = [];
    for (const [field, value] of Object.entries(query)) {
      const expression = fieldExpression(field);
      if (value === null || value === undefined) {
        clauses.push(`${expression} IS NULL`);
      } else if (typeof value === 'string' || typeof value === 'number') {
        clauses.push(`${expression} = ?`);
        params.push(value);
      } else if (typeof value === 'boolean') {
        clauses.push(`${expression} = ?`);
        params.push(value ? 1 : 0);
      } else {
        throw new LtijsStorageError('bad_query', `ltijs queried ${field} with a ${typeof value}`);
      }
    }
    return { sql: clauses.join(' AND '), params };
  }
}

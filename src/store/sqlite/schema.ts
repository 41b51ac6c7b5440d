/**
 * The SQLite schema as numbered migrations. Each runs once, in order, and is recorded in
 * `schema_migrations`; `migrate` applies the missing ones inside one IMMEDIATE transaction so two
 * processes starting on the same file at once apply each migration exactly once.
 *
 * Invariants live in the schema (unique keys, checks, triggers), not in application code, so a
 * second process or a bug elsewhere cannot break them. Dates are integer milliseconds since the
 * epoch; JSON values are TEXT.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The three triggers that bump the config generation on any change to `table`. */
function configGenerationTriggers(table: string): string {
  return (['insert', 'update', 'delete'] as const)
    .map(
      (op) => `
      CREATE TRIGGER ${table}_config_${op} AFTER ${op.toUpperCase()} ON ${table} BEGIN
        UPDATE config_generation SET value = value + 1 WHERE id = 1;
      END;`,
    )
    .join('');
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE organizations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE entitlements (
        org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        product_id TEXT NOT NULL,
        -- NULL means unlimited.
        seats INTEGER CHECK (seats IS NULL OR (typeof(seats) = 'integer' AND seats >= 0)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (org_id, product_id)
      ) WITHOUT ROWID;

      CREATE TABLE directories (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        name TEXT NOT NULL,
        jit_enabled INTEGER NOT NULL CHECK (jit_enabled IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX directories_org ON directories(org_id);

      CREATE TABLE domains (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        -- One claim per name across every organization.
        name TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'verified')),
        verification_token TEXT NOT NULL,
        verified_at INTEGER,
        verified_by TEXT CHECK (verified_by IS NULL OR verified_by IN ('dns', 'operator')),
        created_at INTEGER NOT NULL
      );
      CREATE INDEX domains_org ON domains(org_id);
      CREATE INDEX domains_directory ON domains(directory_id);

      CREATE TABLE connections (
        id TEXT PRIMARY KEY,
        partner TEXT NOT NULL CHECK (partner IN ('canvas', 'clever', 'classlink')),
        status TEXT NOT NULL CHECK (status IN ('linked', 'pending')),
        org_id TEXT REFERENCES organizations(id),
        directory_id TEXT REFERENCES directories(id),
        settings TEXT NOT NULL,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        trust_email INTEGER NOT NULL CHECK (trust_email IN (0, 1)),
        label TEXT,
        -- Copied out of settings so Canvas registrations can be found by (issuer, client id).
        canvas_issuer TEXT,
        canvas_client_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX connections_org ON connections(org_id);
      CREATE INDEX connections_directory ON connections(directory_id);
      CREATE INDEX connections_canvas ON connections(canvas_issuer, canvas_client_id);

      -- Every tenant a connection answers for (tenantKeyString), one row each: the primary key is
      -- what makes "one tenant, one connection" hold under concurrent writers.
      CREATE TABLE connection_keys (
        key TEXT PRIMARY KEY,
        connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE
      ) WITHOUT ROWID;
      CREATE INDEX connection_keys_connection ON connection_keys(connection_id);

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        directory_id TEXT NOT NULL REFERENCES directories(id),
        email TEXT,
        given_name TEXT,
        family_name TEXT,
        display_name TEXT,
        roles TEXT NOT NULL,
        raw_roles TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'blocked')),
        created_by TEXT NOT NULL CHECK (created_by IN ('jit', 'admin')),
        last_launch_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX users_directory_email ON users(directory_id, email) WHERE email IS NOT NULL;
      CREATE INDEX users_org ON users(org_id);

      CREATE TABLE external_identities (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        -- Deleting a connection unlinks its identities; the users themselves stay.
        connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        partner TEXT NOT NULL CHECK (partner IN ('canvas', 'clever', 'classlink')),
        subject TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (connection_id, subject)
      );
      CREATE INDEX external_identities_user ON external_identities(user_id);

      CREATE TABLE licenses (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        directory_id TEXT NOT NULL REFERENCES directories(id),
        product_id TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('jit', 'admin')),
        created_at INTEGER NOT NULL,
        UNIQUE (user_id, product_id)
      );
      CREATE INDEX licenses_org_product ON licenses(org_id, product_id);

      -- Append-only: seq gives the insertion order that breaks ties between equal times.
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        time INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('launch', 'admin')),
        org_id TEXT,
        directory_id TEXT,
        connection_id TEXT,
        partner TEXT,
        subject TEXT,
        email TEXT,
        user_id TEXT,
        product_id TEXT,
        decision TEXT CHECK (decision IS NULL OR decision IN ('allowed', 'refused')),
        reason TEXT NOT NULL,
        request_id TEXT,
        actor TEXT,
        detail TEXT
      );
      CREATE INDEX audit_time ON audit_events(time DESC, seq DESC);
      CREATE INDEX audit_org_time ON audit_events(org_id, time DESC, seq DESC);
      CREATE INDEX audit_directory_time ON audit_events(directory_id, time DESC, seq DESC);
      CREATE INDEX audit_user_time ON audit_events(user_id, time DESC, seq DESC);
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('operator', 'org_admin')),
        org_id TEXT REFERENCES organizations(id),
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );

      CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE ephemeral (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (namespace, key)
      ) WITHOUT ROWID;
      CREATE INDEX ephemeral_expires ON ephemeral(expires_at);
    `,
  },
  {
    version: 2,
    name: 'admin accounts',
    sql: `
      CREATE TABLE admin_accounts (
        id TEXT PRIMARY KEY,
        -- Lower-cased by the store; one account per address across the deployment.
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('operator', 'org_admin')),
        org_id TEXT REFERENCES organizations(id),
        created_at INTEGER NOT NULL,
        disabled_at INTEGER,
        -- An organization admin always names its organization; an operator never does.
        CHECK ((role = 'operator' AND org_id IS NULL) OR (role = 'org_admin' AND org_id IS NOT NULL))
      );
      CREATE INDEX admin_accounts_org ON admin_accounts(org_id);
    `,
  },
  {
    version: 3,
    name: 'license counts',
    // Counting an organization's licenses on every assignment is a scan that grows with the
    // district (4 ms at 50,000 licenses, inside the write lock); triggers keep the count instead,
    // in the same transaction as the license itself, so it is exact under concurrent writers.
    sql: `
      CREATE TABLE license_counts (
        org_id TEXT NOT NULL,
        product_id TEXT NOT NULL,
        used INTEGER NOT NULL CHECK (used >= 0),
        PRIMARY KEY (org_id, product_id)
      ) WITHOUT ROWID;
      INSERT INTO license_counts (org_id, product_id, used)
        SELECT org_id, product_id, count(*) FROM licenses GROUP BY org_id, product_id;
      CREATE TRIGGER licenses_count_insert AFTER INSERT ON licenses BEGIN
        INSERT INTO license_counts (org_id, product_id, used) VALUES (NEW.org_id, NEW.product_id, 1)
          ON CONFLICT (org_id, product_id) DO UPDATE SET used = used + 1;
      END;
      CREATE TRIGGER licenses_count_delete AFTER DELETE ON licenses BEGIN
        UPDATE license_counts SET used = used - 1 WHERE org_id = OLD.org_id AND product_id = OLD.product_id;
      END;
      CREATE TRIGGER licenses_count_move AFTER UPDATE OF org_id, product_id ON licenses BEGIN
        UPDATE license_counts SET used = used - 1 WHERE org_id = OLD.org_id AND product_id = OLD.product_id;
        INSERT INTO license_counts (org_id, product_id, used) VALUES (NEW.org_id, NEW.product_id, 1)
          ON CONFLICT (org_id, product_id) DO UPDATE SET used = used + 1;
      END;
    `,
  },
  {
    version: 4,
    name: 'config generation',
    // Launches read the same organizations, directories, domains and connections thousands of
    // times between two admin changes. Every change to them bumps this number in its own
    // transaction, so a process may keep what it read for as long as the number stays the same,
    // and sees an admin's change (made by any process) on its very next read.
    sql: `
      CREATE TABLE config_generation (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        value INTEGER NOT NULL
      );
      INSERT INTO config_generation (id, value) VALUES (1, 0);
      ${configGenerationTriggers('organizations') + configGenerationTriggers('entitlements') + configGenerationTriggers('directories') + configGenerationTriggers('domains') + configGenerationTriggers('connections') + configGenerationTriggers('connection_keys')}
    `,
  },
  {
    version: 5,
    name: 'domain names unique only when verified',
    // A name unique even while pending let any organization admin claim another district's domain
    // first and block it for good. Now pending claims of a name coexist (one per directory); only
    // the verified claim is exclusive, enforced by a partial unique index, so two verifications
    // cannot both succeed. SQLite cannot drop a column's UNIQUE constraint, hence the table is
    // rebuilt (nothing references domains); its config-generation triggers go with the old table
    // and are created again. The old constraint means the copied rows hold no duplicates.
    sql: `
      CREATE TABLE domains_v5 (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organizations(id),
        directory_id TEXT NOT NULL REFERENCES directories(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'verified')),
        verification_token TEXT NOT NULL,
        verified_at INTEGER,
        verified_by TEXT CHECK (verified_by IS NULL OR verified_by IN ('dns', 'operator')),
        created_at INTEGER NOT NULL
      );
      INSERT INTO domains_v5 (id, org_id, directory_id, name, status, verification_token, verified_at, verified_by, created_at)
        SELECT id, org_id, directory_id, name, status, verification_token, verified_at, verified_by, created_at FROM domains;
      DROP TABLE domains;
      ALTER TABLE domains_v5 RENAME TO domains;
      CREATE UNIQUE INDEX domains_verified_name ON domains(name) WHERE status = 'verified';
      CREATE UNIQUE INDEX domains_directory_name ON domains(directory_id, name);
      CREATE INDEX domains_name ON domains(name, status);
      CREATE INDEX domains_org ON domains(org_id);
      ${configGenerationTriggers('domains')}
      UPDATE config_generation SET value = value + 1 WHERE id = 1;
    `,
  },
];

/** Applies every migration not yet recorded; returns the versions it applied. */
export function migrate(db: Database.Database, now: () => Date): number[] {
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const applied = new Set(
      db
        .prepare<[], number>('SELECT version FROM schema_migrations')
        .pluck()
        .all(),
    );
    const record = db.prepare<[number, string, number]>(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const done: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, now().getTime());
      done.push(m.version);
    }
    return done;
  });
  // IMMEDIATE takes the write lock before reading which migrations exist, so a second process
  // waits (busy_timeout) and then sees them all applied.
  return run.immediate();
}

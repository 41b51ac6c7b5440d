/** Admin accounts in SQLite: their rows, statements and the store methods built on them. */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AdminAccount, AdminRole } from '../model';
import type { AdminAccountPatch, NewAdminAccount } from '../port';

export interface AdminAccountRow {
  id: string;
  email: string;
  password_hash: string;
  role: AdminRole;
  org_id: string | null;
  created_at: number;
  disabled_at: number | null;
}

function toAdminAccount(r: AdminAccountRow): AdminAccount {
  return {
    id: r.id,
    email: r.email,
    passwordHash: r.password_hash,
    role: r.role,
    orgId: r.org_id,
    createdAt: new Date(r.created_at),
    disabledAt: r.disabled_at == null ? null : new Date(r.disabled_at),
  };
}

interface Statements {
  insert: Database.Statement<[AdminAccountRow], AdminAccountRow>;
  get: Database.Statement<[string], AdminAccountRow>;
  findByEmail: Database.Statement<[string], AdminAccountRow>;
  list: Database.Statement<[{ anyOrg: number; orgId: string | null; role: string | null }], AdminAccountRow>;
  update: Database.Statement<
    [{ id: string; setHash: number; passwordHash: string | null; setDisabled: number; disabledAt: number | null }],
    AdminAccountRow
  >;
}

/** The admin-account part of the SQLite store; prepared once the schema exists. */
export class SqliteAdminAccounts {
  private readonly s: Statements;

  constructor(
    db: Database.Database,
    private readonly nowMs: () => number,
  ) {
    this.s = {
      insert: db.prepare(`
        INSERT INTO admin_accounts (id, email, password_hash, role, org_id, created_at, disabled_at)
        VALUES (@id, @email, @password_hash, @role, @org_id, @created_at, @disabled_at) RETURNING *`),
      get: db.prepare('SELECT * FROM admin_accounts WHERE id = ?'),
      findByEmail: db.prepare('SELECT * FROM admin_accounts WHERE email = ?'),
      // `IS` compares NULL to NULL as equal, so orgId = null selects operators' accounts.
      list: db.prepare(`
        SELECT * FROM admin_accounts
        WHERE (@anyOrg = 1 OR org_id IS @orgId) AND (@role IS NULL OR role = @role)
        ORDER BY created_at, rowid`),
      update: db.prepare(`
        UPDATE admin_accounts SET
          password_hash = CASE WHEN @setHash = 1 THEN @passwordHash ELSE password_hash END,
          disabled_at = CASE WHEN @setDisabled = 1 THEN @disabledAt ELSE disabled_at END
        WHERE id = @id RETURNING *`),
    };
  }

  create(input: NewAdminAccount): AdminAccount {
    const row = this.s.insert.get({
      id: randomUUID(),
      email: input.email.trim().toLowerCase(),
      password_hash: input.passwordHash,
      role: input.role,
      org_id: input.orgId,
      created_at: this.nowMs(),
      disabled_at: null,
    });
    return toAdminAccount(row!);
  }

  get(id: string): AdminAccount | null {
    const row = this.s.get.get(id);
    return row === undefined ? null : toAdminAccount(row);
  }

  findByEmail(email: string): AdminAccount | null {
    const row = this.s.findByEmail.get(email.trim().toLowerCase());
    return row === undefined ? null : toAdminAccount(row);
  }

  list(filter: { orgId?: string | null; role?: AdminRole }): AdminAccount[] {
    return this.s.list
      .all({ anyOrg: filter.orgId === undefined ? 1 : 0, orgId: filter.orgId ?? null, role: filter.role ?? null })
      .map(toAdminAccount);
  }

  update(id: string, patch: AdminAccountPatch): AdminAccount | null {
    const row = this.s.update.get({
      id,
      setHash: patch.passwordHash === undefined ? 0 : 1,
      passwordHash: patch.passwordHash ?? null,
      setDisabled: patch.disabledAt === undefined ? 0 : 1,
      disabledAt: patch.disabledAt == null ? null : patch.disabledAt.getTime(),
    });
    return row === undefined ? null : toAdminAccount(row);
  }
}

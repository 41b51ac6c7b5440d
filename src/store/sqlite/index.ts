/**
 * The embedded store: one SQLite file in WAL mode, shared safely by several processes. Every write
 * that checks before it writes runs in an IMMEDIATE transaction, which takes the file's write lock
 * first, so no other connection (in this process or another) can act between the check and the
 * write. Unique keys in the schema back every invariant up.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type {
  AdminAccount,
  AdminRole,
  ApiToken,
  ApiTokenRole,
  AuditEvent,
  Connection,
  ConnectionStatus,
  Directory,
  Domain,
  DomainVerifiedBy,
  Entitlement,
  ExternalIdentity,
  License,
  Organization,
  User,
  UserStatus,
} from '../model';
import type {
  AdminAccountPatch,
  AssignLicenseInput,
  AssignLicenseResult,
  AuditFilter,
  ConnectionFilter,
  ConnectionPatch,
  CreateUserResult,
  DomainVerification,
  LinkIdentityResult,
  NewAdminAccount,
  NewApiToken,
  NewAuditEvent,
  NewConnection,
  NewExternalIdentity,
  NewUser,
  Page,
  Paging,
  Store,
  UserFilter,
  UserProfile,
} from '../port';
import { StoreUnavailableError } from '../errors';
import { SqliteAdminAccounts } from './admin-accounts';
import { WalCheckpointer } from './checkpointer';
import { ConfigCache } from './config-cache';
import { GroupCommit } from './group-commit';
import { prepareEphemeralStatements, SqliteEphemeralStore, type EphemeralStatements } from './ephemeral';
import { translateError } from './errors';
import { auditWhere, fold, FOLD_FUNCTION, userWhere, type Params, type Where } from './filters';
import {
  bool,
  mapOrNull,
  ms,
  toApiToken,
  toAuditEvent,
  toConnection,
  toDirectory,
  toDomain,
  toEntitlement,
  toExternalIdentity,
  toLicense,
  toOrganization,
  toUser,
  type AuditRow,
  type UserRow,
} from './rows';
import { migrate } from './schema';
import { prepareStatements, type Statements } from './statements';
import { prepareTransactions, type Transactions } from './transactions';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a private in-memory database (tests). */
  file: string;
  now?: () => Date;
  /** How long a writer waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
  /** Checkpoint the WAL on a worker thread (default for files); false leaves it to SQLite's commits. */
  checkpointInWorker?: boolean;
  /** Told when worker checkpoints stop and SQLite's automatic ones take over. */
  onCheckpointFallback?: (reason: string) => void;
  /** Group the writes of each event-loop turn into one commit (default); false when several server processes share the file. */
  groupCommit?: boolean;
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

interface Prepared {
  s: Statements;
  t: Transactions;
  e: EphemeralStatements;
  a: SqliteAdminAccounts;
  listAudit: (where: Where, paging: Paging) => Page<AuditEvent>;
  listUsers: (where: Where, paging: Paging) => Page<User>;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private prepared: Prepared | null = null;
  readonly ephemeral: SqliteEphemeralStore;
  /** One prepared statement per distinct dynamic query text (a handful of filter shapes). */
  private readonly dynamic = new Map<string, Database.Statement<[Params]>>();
  private readonly checkpointer: WalCheckpointer | null;
  private readonly group: GroupCommit;
  private readonly config = new ConfigCache(() => this.p.s.configGeneration.get()!);

  constructor(options: SqliteStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.ephemeral = new SqliteEphemeralStore(() => this.p.e, this.now, (fn) => this.guard(fn), (fn) => this.write(fn));
    if (options.file !== ':memory:' && options.file !== '') {
      fs.mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
    }
    try {
      this.db = new Database(options.file);
      // busy_timeout first: switching to WAL needs a lock another process may briefly hold.
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.function(FOLD_FUNCTION, { deterministic: true }, (value: unknown) =>
        typeof value === 'string' ? fold(value) : null,
      );
      this.group = new GroupCommit(this.db, translateError, options.groupCommit ?? true);
    } catch (err) {
      throw translateError(err);
    }
    const inFile = options.file !== ':memory:' && options.file !== '';
    this.checkpointer =
      inFile && (options.checkpointInWorker ?? true)
        ? new WalCheckpointer(this.db, path.resolve(options.file), { onFallback: options.onCheckpointFallback })
        : null;
  }

  /**
   * The better-sqlite3 handle, for code that must share the file (the Canvas ltijs plugin). Its
   * writes join this turn's group transaction if one is open, and commit with it.
   */
  get database(): Database.Database {
    return this.db;
  }

  /** How many commits the group commit made, and how many writes they carried. */
  get groupCommitStats(): Readonly<{ commits: number; writes: number }> {
    return this.group.stats;
  }

  async init(): Promise<void> {
    if (this.prepared) return;
    this.guard(() => {
      migrate(this.db, this.now);
      this.prepared = this.prepare();
    });
    this.checkpointer?.start();
  }

  async close(): Promise<void> {
    if (this.db.open) this.group.flush();
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }

  async ping(): Promise<void> {
    this.guard(() => this.p.s.ping.get());
  }

  // Organizations and entitlements

  async createOrganization(input: { name: string }): Promise<Organization> {
    return this.write(() =>
      toOrganization(
        this.p.s.insertOrganization.get({ id: randomUUID(), name: input.name, created_at: this.nowMs() })!,
      ),
    );
  }

  async getOrganization(id: string): Promise<Organization | null> {
    return this.guard(() => this.config.read(`org:${id}`, () => mapOrNull(this.p.s.getOrganization.get(id), toOrganization)));
  }

  async listOrganizations(filter?: { ids?: string[] }): Promise<Organization[]> {
    return this.guard(() => {
      const rows = filter?.ids
        ? this.p.s.listOrganizationsByIds.all(JSON.stringify(filter.ids))
        : this.p.s.listOrganizations.all();
      return rows.map(toOrganization);
    });
  }

  async setEntitlement(orgId: string, productId: string, seats: number | null): Promise<Entitlement> {
    return this.write(() =>
      toEntitlement(this.p.s.upsertEntitlement.get({ orgId, productId, seats, now: this.nowMs() })!),
    );
  }

  async getEntitlement(orgId: string, productId: string): Promise<Entitlement | null> {
    return this.guard(() =>
      this.config.read(`entitlement:${orgId}:${productId}`, () => mapOrNull(this.p.s.getEntitlement.get(orgId, productId), toEntitlement)),
    );
  }

  async listEntitlements(orgId: string): Promise<Entitlement[]> {
    return this.guard(() => this.p.s.listEntitlements.all(orgId).map(toEntitlement));
  }

  async deleteEntitlement(orgId: string, productId: string): Promise<boolean> {
    return this.write(() => this.p.s.deleteEntitlement.run(orgId, productId).changes > 0);
  }

  async countLicenses(orgId: string, productId: string): Promise<number> {
    return this.guard(() => this.p.s.countLicenses.get(orgId, productId) ?? 0);
  }

  // Directories

  async createDirectory(input: { orgId: string; name: string; jitEnabled: boolean }): Promise<Directory> {
    return this.write(() => {
      const now = this.nowMs();
      const row = this.p.s.insertDirectory.get({
        id: randomUUID(),
        org_id: input.orgId,
        name: input.name,
        jit_enabled: bool(input.jitEnabled),
        created_at: now,
        updated_at: now,
      });
      return toDirectory(row!);
    });
  }

  async getDirectory(id: string): Promise<Directory | null> {
    return this.guard(() => this.config.read(`directory:${id}`, () => mapOrNull(this.p.s.getDirectory.get(id), toDirectory)));
  }

  async listDirectories(orgId: string): Promise<Directory[]> {
    return this.guard(() => this.p.s.listDirectories.all(orgId).map(toDirectory));
  }

  async updateDirectory(id: string, patch: { name?: string; jitEnabled?: boolean }): Promise<Directory | null> {
    return this.write(() => {
      const row = this.p.s.updateDirectory.get({
        id,
        name: patch.name ?? null,
        jitEnabled: patch.jitEnabled === undefined ? null : bool(patch.jitEnabled),
        now: this.nowMs(),
      });
      return mapOrNull(row, toDirectory);
    });
  }

  // Domains

  async claimDomain(input: { orgId: string; directoryId: string; name: string; verificationToken: string }): Promise<Domain> {
    return this.write(() => this.p.t.claimDomain(input));
  }

  async getDomain(id: string): Promise<Domain | null> {
    return this.guard(() => mapOrNull(this.p.s.getDomain.get(id), toDomain));
  }

  async findDomainByName(name: string): Promise<Domain | null> {
    return this.guard(() => {
      const key = name.toLowerCase();
      return this.config.read(`domain:${key}`, () => mapOrNull(this.p.s.findDomainByName.get(key), toDomain));
    });
  }

  async listDomains(filter: { orgId?: string; directoryId?: string }): Promise<Domain[]> {
    return this.guard(() =>
      this.p.s.listDomains
        .all({ orgId: filter.orgId ?? null, directoryId: filter.directoryId ?? null })
        .map(toDomain),
    );
  }

  async markDomainVerified(id: string, by: DomainVerifiedBy, at: Date): Promise<DomainVerification | null> {
    return this.write(() => this.p.t.verifyDomain(id, by, ms(at)));
  }

  async deleteDomain(id: string): Promise<boolean> {
    return this.write(() => this.p.s.deleteDomain.run(id).changes > 0);
  }

  // Connections

  async createConnection(input: NewConnection): Promise<Connection> {
    return this.write(() => this.p.t.createConnection(input));
  }

  async getConnection(id: string): Promise<Connection | null> {
    return this.guard(() => this.config.read(`connection:${id}`, () => mapOrNull(this.p.s.getConnection.get(id), toConnection)));
  }

  async findConnectionByTenantKey(tenantKey: string): Promise<Connection | null> {
    return this.guard(() =>
      this.config.read(`tenant:${tenantKey}`, () => mapOrNull(this.p.s.findConnectionByKey.get(tenantKey), toConnection)),
    );
  }

  async findCanvasConnections(issuer: string, clientId: string): Promise<Connection[]> {
    return this.guard(() =>
      this.config.read(`canvas:${JSON.stringify([issuer, clientId])}`, () =>
        this.p.s.findCanvasConnections.all(issuer, clientId).map(toConnection),
      ),
    );
  }

  async listConnections(filter: ConnectionFilter): Promise<Connection[]> {
    return this.guard(() =>
      this.p.s.listConnections
        .all({
          orgId: filter.orgId ?? null,
          directoryId: filter.directoryId ?? null,
          status: filter.status ?? null,
          partner: filter.partner ?? null,
        })
        .map(toConnection),
    );
  }

  async updateConnection(id: string, patch: ConnectionPatch, onlyIf?: { status: ConnectionStatus }): Promise<Connection | null> {
    return this.write(() => this.p.t.updateConnection(id, patch, onlyIf));
  }

  async deleteConnection(id: string): Promise<boolean> {
    // Its tenant keys and external identities go with it (ON DELETE CASCADE).
    return this.write(() => this.p.s.deleteConnection.run(id).changes > 0);
  }

  // Users

  async getUser(id: string): Promise<User | null> {
    return this.guard(() => mapOrNull(this.p.s.getUser.get(id), toUser));
  }

  async findUserByExternalIdentity(connectionId: string, subject: string): Promise<User | null> {
    return this.guard(() => mapOrNull(this.p.s.findUserByIdentity.get(connectionId, subject), toUser));
  }

  async findUserByEmail(directoryId: string, email: string): Promise<User | null> {
    return this.guard(() => mapOrNull(this.p.s.findUserByEmail.get(directoryId, email.toLowerCase()), toUser));
  }

  async listUsers(filter: UserFilter, paging: Paging): Promise<Page<User>> {
    return this.guard(() => this.p.listUsers(userWhere(filter), paging));
  }

  async createUser(input: NewUser, identity?: NewExternalIdentity): Promise<CreateUserResult> {
    return this.write(() => this.p.t.createUser(input, identity));
  }

  async linkExternalIdentity(userId: string, identity: NewExternalIdentity): Promise<LinkIdentityResult> {
    return this.write(() => this.p.t.linkIdentity(userId, identity));
  }

  async listExternalIdentities(userId: string): Promise<ExternalIdentity[]> {
    return this.guard(() => this.p.s.listIdentities.all(userId).map(toExternalIdentity));
  }

  async updateUserProfile(id: string, profile: Partial<UserProfile>, lastLaunchAt?: Date): Promise<User | null> {
    return this.write(() => this.p.t.updateUserProfile(id, profile, lastLaunchAt));
  }

  async setUserStatus(id: string, status: UserStatus): Promise<User | null> {
    return this.write(() => mapOrNull(this.p.s.setUserStatus.get(status, this.nowMs(), id), toUser));
  }

  // Licenses

  async getLicense(userId: string, productId: string): Promise<License | null> {
    return this.guard(() => mapOrNull(this.p.s.getLicense.get(userId, productId), toLicense));
  }

  async listLicenses(filter: { userId?: string; orgId?: string; productId?: string }): Promise<License[]> {
    return this.guard(() =>
      this.p.s.listLicenses
        .all({ userId: filter.userId ?? null, orgId: filter.orgId ?? null, productId: filter.productId ?? null })
        .map(toLicense),
    );
  }

  async assignLicense(input: AssignLicenseInput): Promise<AssignLicenseResult> {
    return this.write(() => this.p.t.assignLicense(input));
  }

  async revokeLicense(userId: string, productId: string): Promise<boolean> {
    return this.write(() => this.p.s.deleteLicense.run(userId, productId).changes > 0);
  }

  // Audit

  async appendAudit(event: NewAuditEvent): Promise<AuditEvent> {
    return this.write(() => {
      const row = this.p.s.insertAudit.get({
        id: randomUUID(),
        time: ms(event.time),
        kind: event.kind,
        org_id: event.orgId,
        directory_id: event.directoryId,
        connection_id: event.connectionId,
        partner: event.partner,
        subject: event.subject,
        email: event.email,
        user_id: event.userId,
        product_id: event.productId,
        decision: event.decision,
        reason: event.reason,
        request_id: event.requestId,
        actor: event.actor,
        detail: event.detail == null ? null : JSON.stringify(event.detail),
      });
      return toAuditEvent(row!);
    });
  }

  async getAuditEvent(id: string): Promise<AuditEvent | null> {
    return this.guard(() => mapOrNull(this.p.s.getAudit.get(id), toAuditEvent));
  }

  async listAudit(filter: AuditFilter, paging: Paging): Promise<Page<AuditEvent>> {
    return this.guard(() => this.p.listAudit(auditWhere(filter), paging));
  }

  async countAudit(filter: AuditFilter): Promise<number> {
    return this.guard(() => this.count('audit_events', auditWhere(filter)));
  }

  // API tokens

  async createApiToken(input: NewApiToken): Promise<ApiToken> {
    return this.write(() => {
      const row = this.p.s.insertApiToken.get({
        id: randomUUID(),
        name: input.name,
        role: input.role,
        org_id: input.orgId,
        token_hash: input.tokenHash,
        created_at: this.nowMs(),
        last_used_at: null,
        revoked_at: null,
      });
      return toApiToken(row!);
    });
  }

  async findApiTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    return this.guard(() => mapOrNull(this.p.s.findApiTokenByHash.get(tokenHash), toApiToken));
  }

  async listApiTokens(filter: { orgId?: string | null; role?: ApiTokenRole }): Promise<ApiToken[]> {
    return this.guard(() =>
      this.p.s.listApiTokens
        .all({
          anyOrg: filter.orgId === undefined ? 1 : 0,
          orgId: filter.orgId ?? null,
          role: filter.role ?? null,
        })
        .map(toApiToken),
    );
  }

  async revokeApiToken(id: string, at: Date): Promise<boolean> {
    return this.write(() => this.p.s.revokeApiToken.run(ms(at), id).changes > 0);
  }

  async touchApiToken(id: string, at: Date): Promise<void> {
    await this.write(() => this.p.s.touchApiToken.run(ms(at), id));
  }

  // Admin accounts

  async createAdminAccount(input: NewAdminAccount): Promise<AdminAccount> {
    return this.write(() => this.p.a.create(input));
  }

  async getAdminAccount(id: string): Promise<AdminAccount | null> {
    return this.guard(() => this.p.a.get(id));
  }

  async findAdminAccountByEmail(email: string): Promise<AdminAccount | null> {
    return this.guard(() => this.p.a.findByEmail(email));
  }

  async listAdminAccounts(filter: { orgId?: string | null; role?: AdminRole }): Promise<AdminAccount[]> {
    return this.guard(() => this.p.a.list(filter));
  }

  async updateAdminAccount(id: string, patch: AdminAccountPatch): Promise<AdminAccount | null> {
    return this.write(() => this.p.a.update(id, patch));
  }

  // Settings

  async getOrSetSetting(name: string, value: string): Promise<string> {
    return this.write(() => this.p.t.getOrSetSetting(name, value));
  }

  async getSetting(name: string): Promise<string | null> {
    return this.guard(() => this.p.s.getSetting.get(name) ?? null);
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.write(() => this.p.s.setSetting.run(name, value));
  }

  // Internals

  private get p(): Prepared {
    if (!this.prepared) throw notInitialized();
    return this.prepared;
  }

  private nowMs(): number {
    return this.now().getTime();
  }

  /** Synchronous database work that writes: in this turn's group commit (group-commit.ts). */
  private write<T>(fn: () => T): Promise<T> {
    if (!this.db.open) return Promise.reject(new StoreUnavailableError('The SQLite store is closed.'));
    return this.group.write(fn);
  }

  /** Runs synchronous database work, turning SQLite's errors into the store's. */
  private guard<T>(fn: () => T): T {
    if (!this.db.open) throw new StoreUnavailableError('The SQLite store is closed.');
    try {
      return fn();
    } catch (err) {
      throw translateError(err);
    }
  }

  private statement(sql: string): Database.Statement<[Params]> {
    let stmt = this.dynamic.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<[Params]>(sql);
      this.dynamic.set(sql, stmt);
    }
    return stmt;
  }

  private count(table: string, where: Where): number {
    return this.statement(`SELECT count(*) FROM ${table} ${where.sql}`).pluck().get(where.params) as number;
  }

  private page<R, T>(table: string, where: Where, order: string, paging: Paging, map: (row: R) => T): Page<T> {
    const limit = wholeOrZero(paging.limit);
    const offset = wholeOrZero(paging.offset);
    const rows = this.statement(`SELECT * FROM ${table} ${where.sql} ORDER BY ${order} LIMIT @limit OFFSET @offset`).all({
      ...where.params,
      limit,
      offset,
    }) as R[];
    return { items: rows.map(map), total: this.count(table, where) };
  }

  /** Statements and the transactions built on them, created once after the schema exists. */
  private prepare(): Prepared {
    const s = prepareStatements(this.db);
    // Read transactions, so a page and its total come from the same snapshot.
    const listAudit = this.db.transaction((where: Where, paging: Paging) =>
      this.page<AuditRow, AuditEvent>('audit_events', where, 'time DESC, seq DESC', paging, toAuditEvent),
    );
    const listUsers = this.db.transaction((where: Where, paging: Paging) =>
      this.page<UserRow, User>('users', where, 'created_at, rowid', paging, toUser),
    );
    return {
      s,
      t: prepareTransactions(this.db, s, () => this.nowMs()),
      e: prepareEphemeralStatements(this.db),
      a: new SqliteAdminAccounts(this.db, () => this.nowMs()),
      listAudit: (where, paging) => listAudit.deferred(where, paging),
      listUsers: (where, paging) => listUsers.deferred(where, paging),
    };
  }
}

/** Paging values from a request: anything but a non-negative finite number counts as 0. */
function wholeOrZero(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function notInitialized(): Error {
  return new Error('The SQLite store was used before init().');
}

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
import { describeTenant, tenantKeyString } from '../../identity/launch-identity';
import type {
  ApiToken,
  ApiTokenRole,
  AuditEvent,
  Connection,
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
  AssignLicenseInput,
  AssignLicenseResult,
  AuditFilter,
  ConnectionFilter,
  ConnectionPatch,
  CreateUserResult,
  LinkIdentityResult,
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
import { StoreConflictError, StoreUnavailableError } from '../errors';
import { SqliteEphemeralStore } from './ephemeral';
import { translateError } from './errors';
import { auditWhere, fold, FOLD_FUNCTION, userWhere, type Params, type Where } from './filters';
import {
  bool,
  connectionTenants,
  ms,
  msOrNull,
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
  type ConnectionRow,
  type UserRow,
} from './rows';
import { migrate } from './schema';
import { prepareStatements, type Statements } from './statements';

export interface SqliteStoreOptions {
  /** A file path, or ':memory:' for a private in-memory database (tests). */
  file: string;
  now?: () => Date;
  /** How long a writer waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
}

export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

interface Prepared {
  s: Statements;
  createConnection: (input: NewConnection) => Connection;
  updateConnection: (id: string, patch: ConnectionPatch) => Connection | null;
  createUser: (input: NewUser, identity?: NewExternalIdentity) => CreateUserResult;
  linkIdentity: (userId: string, identity: NewExternalIdentity) => LinkIdentityResult;
  updateUserProfile: (id: string, profile: Partial<UserProfile>, lastLaunchAt?: Date) => User | null;
  assignLicense: (input: AssignLicenseInput) => AssignLicenseResult;
  getOrSetSetting: (name: string, value: string) => string;
  listAudit: (where: Where, paging: Paging) => Page<AuditEvent>;
  listUsers: (where: Where, paging: Paging) => Page<User>;
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private prepared: Prepared | null = null;
  private ephemeralStore: SqliteEphemeralStore | null = null;
  /** One prepared statement per distinct dynamic query text (a handful of filter shapes). */
  private readonly dynamic = new Map<string, Database.Statement<[Params]>>();

  constructor(options: SqliteStoreOptions) {
    this.now = options.now ?? (() => new Date());
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
    } catch (err) {
      throw translateError(err);
    }
  }

  /** The better-sqlite3 handle, for code that must share the file (the Canvas ltijs plugin). */
  get database(): Database.Database {
    return this.db;
  }

  get ephemeral(): SqliteEphemeralStore {
    if (!this.ephemeralStore) throw notInitialized();
    return this.ephemeralStore;
  }

  async init(): Promise<void> {
    if (this.prepared) return;
    this.guard(() => {
      migrate(this.db, this.now);
      this.prepared = this.prepare();
      this.ephemeralStore = new SqliteEphemeralStore(this.db, this.now, (fn) => this.guard(fn));
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async ping(): Promise<void> {
    this.guard(() => this.p.s.ping.get());
  }

  // Organizations and entitlements

  async createOrganization(input: { name: string }): Promise<Organization> {
    return this.guard(() =>
      toOrganization(
        this.p.s.insertOrganization.get({ id: randomUUID(), name: input.name, created_at: this.nowMs() })!,
      ),
    );
  }

  async getOrganization(id: string): Promise<Organization | null> {
    return this.guard(() => mapOrNull(this.p.s.getOrganization.get(id), toOrganization));
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
    return this.guard(() =>
      toEntitlement(this.p.s.upsertEntitlement.get({ orgId, productId, seats, now: this.nowMs() })!),
    );
  }

  async getEntitlement(orgId: string, productId: string): Promise<Entitlement | null> {
    return this.guard(() => mapOrNull(this.p.s.getEntitlement.get(orgId, productId), toEntitlement));
  }

  async listEntitlements(orgId: string): Promise<Entitlement[]> {
    return this.guard(() => this.p.s.listEntitlements.all(orgId).map(toEntitlement));
  }

  async deleteEntitlement(orgId: string, productId: string): Promise<boolean> {
    return this.guard(() => this.p.s.deleteEntitlement.run(orgId, productId).changes > 0);
  }

  async countLicenses(orgId: string, productId: string): Promise<number> {
    return this.guard(() => this.p.s.countLicenses.get(orgId, productId) ?? 0);
  }

  // Directories

  async createDirectory(input: { orgId: string; name: string; jitEnabled: boolean }): Promise<Directory> {
    return this.guard(() => {
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
    return this.guard(() => mapOrNull(this.p.s.getDirectory.get(id), toDirectory));
  }

  async listDirectories(orgId: string): Promise<Directory[]> {
    return this.guard(() => this.p.s.listDirectories.all(orgId).map(toDirectory));
  }

  async updateDirectory(id: string, patch: { name?: string; jitEnabled?: boolean }): Promise<Directory | null> {
    return this.guard(() => {
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

  async claimDomain(input: {
    orgId: string;
    directoryId: string;
    name: string;
    verificationToken: string;
  }): Promise<Domain> {
    return this.guard(() => {
      const row = this.p.s.insertDomain.get({
        id: randomUUID(),
        org_id: input.orgId,
        directory_id: input.directoryId,
        name: input.name.toLowerCase(),
        status: 'pending',
        verification_token: input.verificationToken,
        verified_at: null,
        verified_by: null,
        created_at: this.nowMs(),
      });
      return toDomain(row!);
    });
  }

  async getDomain(id: string): Promise<Domain | null> {
    return this.guard(() => mapOrNull(this.p.s.getDomain.get(id), toDomain));
  }

  async findDomainByName(name: string): Promise<Domain | null> {
    return this.guard(() => mapOrNull(this.p.s.findDomainByName.get(name.toLowerCase()), toDomain));
  }

  async listDomains(filter: { orgId?: string; directoryId?: string }): Promise<Domain[]> {
    return this.guard(() =>
      this.p.s.listDomains
        .all({ orgId: filter.orgId ?? null, directoryId: filter.directoryId ?? null })
        .map(toDomain),
    );
  }

  async markDomainVerified(id: string, by: DomainVerifiedBy, at: Date): Promise<Domain | null> {
    return this.guard(() => mapOrNull(this.p.s.markDomainVerified.get({ id, by, at: ms(at) }), toDomain));
  }

  async deleteDomain(id: string): Promise<boolean> {
    return this.guard(() => this.p.s.deleteDomain.run(id).changes > 0);
  }

  // Connections

  async createConnection(input: NewConnection): Promise<Connection> {
    return this.guard(() => this.p.createConnection(input));
  }

  async getConnection(id: string): Promise<Connection | null> {
    return this.guard(() => mapOrNull(this.p.s.getConnection.get(id), toConnection));
  }

  async findConnectionByTenantKey(tenantKey: string): Promise<Connection | null> {
    return this.guard(() => mapOrNull(this.p.s.findConnectionByKey.get(tenantKey), toConnection));
  }

  async findCanvasConnections(issuer: string, clientId: string): Promise<Connection[]> {
    return this.guard(() => this.p.s.findCanvasConnections.all(issuer, clientId).map(toConnection));
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

  async updateConnection(id: string, patch: ConnectionPatch): Promise<Connection | null> {
    return this.guard(() => this.p.updateConnection(id, patch));
  }

  async deleteConnection(id: string): Promise<boolean> {
    // Its tenant keys and external identities go with it (ON DELETE CASCADE).
    return this.guard(() => this.p.s.deleteConnection.run(id).changes > 0);
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
    return this.guard(() => this.p.createUser(input, identity));
  }

  async linkExternalIdentity(userId: string, identity: NewExternalIdentity): Promise<LinkIdentityResult> {
    return this.guard(() => this.p.linkIdentity(userId, identity));
  }

  async listExternalIdentities(userId: string): Promise<ExternalIdentity[]> {
    return this.guard(() => this.p.s.listIdentities.all(userId).map(toExternalIdentity));
  }

  async updateUserProfile(id: string, profile: Partial<UserProfile>, lastLaunchAt?: Date): Promise<User | null> {
    return this.guard(() => this.p.updateUserProfile(id, profile, lastLaunchAt));
  }

  async setUserStatus(id: string, status: UserStatus): Promise<User | null> {
    return this.guard(() => mapOrNull(this.p.s.setUserStatus.get(status, this.nowMs(), id), toUser));
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
    return this.guard(() => this.p.assignLicense(input));
  }

  async revokeLicense(userId: string, productId: string): Promise<boolean> {
    return this.guard(() => this.p.s.deleteLicense.run(userId, productId).changes > 0);
  }

  // Audit

  async appendAudit(event: NewAuditEvent): Promise<AuditEvent> {
    return this.guard(() => {
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
    return this.guard(() => {
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
    return this.guard(() => this.p.s.revokeApiToken.run(ms(at), id).changes > 0);
  }

  async touchApiToken(id: string, at: Date): Promise<void> {
    this.guard(() => this.p.s.touchApiToken.run(ms(at), id));
  }

  // Settings

  async getOrSetSetting(name: string, value: string): Promise<string> {
    return this.guard(() => this.p.getOrSetSetting(name, value));
  }

  async getSetting(name: string): Promise<string | null> {
    return this.guard(() => this.p.s.getSetting.get(name) ?? null);
  }

  async setSetting(name: string, value: string): Promise<void> {
    this.guard(() => this.p.s.setSetting.run(name, value));
  }

  // Internals

  private get p(): Prepared {
    if (!this.prepared) throw notInitialized();
    return this.prepared;
  }

  private nowMs(): number {
    return this.now().getTime();
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
    const limit = Math.max(0, Math.floor(paging.limit));
    const offset = Math.max(0, Math.floor(paging.offset));
    const rows = this.statement(
      `SELECT * FROM ${table} ${where.sql} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
    ).all(where.params) as R[];
    return { items: rows.map(map), total: this.count(table, where) };
  }

  /** Statements and the transactions built on them, created once after the schema exists. */
  private prepare(): Prepared {
    const s = prepareStatements(this.db);
    const db = this.db;

    const claimKeys = (connectionId: string, row: Pick<ConnectionRow, 'settings'>): void => {
      const tenants = connectionTenants(JSON.parse(row.settings) as Connection['settings']);
      for (const tenant of tenants) {
        const key = tenantKeyString(tenant);
        const owner = s.keyOwner.get(key);
        if (owner !== undefined && owner !== connectionId) {
          throw new StoreConflictError('tenant_taken', `${describeTenant(tenant)} already belongs to another connection.`);
        }
      }
      s.deleteKeys.run(connectionId);
      for (const tenant of tenants) s.insertKey.run(tenantKeyString(tenant), connectionId);
    };

    const connectionRow = (
      id: string,
      c: Omit<Connection, 'id' | 'partner' | 'createdAt' | 'updatedAt'>,
      createdAt: number,
      updatedAt: number,
    ): ConnectionRow => ({
      id,
      partner: c.settings.partner,
      status: c.status,
      org_id: c.orgId,
      directory_id: c.directoryId,
      settings: JSON.stringify(c.settings),
      enabled: bool(c.enabled),
      trust_email: bool(c.trustEmail),
      label: c.label,
      canvas_issuer: c.settings.partner === 'canvas' ? c.settings.issuer : null,
      canvas_client_id: c.settings.partner === 'canvas' ? c.settings.clientId : null,
      created_at: createdAt,
      updated_at: updatedAt,
    });

    const createConnection = db.transaction((input: NewConnection): Connection => {
      const now = this.nowMs();
      const row = connectionRow(randomUUID(), input, now, now);
      // Keys reference the connection, so the row goes in first; a refused key rolls it back.
      s.insertConnection.run(row);
      claimKeys(row.id, row);
      return toConnection(s.getConnection.get(row.id)!);
    });

    const updateConnection = db.transaction((id: string, patch: ConnectionPatch): Connection | null => {
      const current = mapOrNull(s.getConnection.get(id), toConnection);
      if (!current) return null;
      const merged = { ...current, ...definedOnly(patch) };
      const row = connectionRow(id, merged, ms(current.createdAt), this.nowMs());
      claimKeys(id, row);
      return toConnection(s.updateConnection.get(row)!);
    });

    const createUser = db.transaction((input: NewUser, identity?: NewExternalIdentity): CreateUserResult => {
      const email = input.email == null ? null : input.email.toLowerCase();
      const existing =
        (identity && s.findUserByIdentity.get(identity.connectionId, identity.subject)) ||
        (email != null ? s.findUserByEmail.get(input.directoryId, email) : undefined);
      if (existing) return { created: false, user: toUser(existing) };
      const now = this.nowMs();
      const row = s.insertUser.get({
        id: randomUUID(),
        org_id: input.orgId,
        directory_id: input.directoryId,
        email,
        given_name: input.givenName,
        family_name: input.familyName,
        display_name: input.displayName,
        roles: JSON.stringify(input.roles),
        raw_roles: JSON.stringify(input.rawRoles),
        status: 'active',
        created_by: input.createdBy,
        last_launch_at: msOrNull(input.lastLaunchAt),
        created_at: now,
        updated_at: now,
      })!;
      if (identity) insertIdentity(row.id, identity, now);
      return { created: true, user: toUser(row) };
    });

    const insertIdentity = (userId: string, identity: NewExternalIdentity, now: number): ExternalIdentity =>
      toExternalIdentity(
        s.insertIdentity.get({
          id: randomUUID(),
          user_id: userId,
          connection_id: identity.connectionId,
          partner: identity.partner,
          subject: identity.subject,
          created_at: now,
        })!,
      );

    const linkIdentity = db.transaction((userId: string, identity: NewExternalIdentity): LinkIdentityResult => {
      const owner = s.identityOwner.get(identity.connectionId, identity.subject);
      if (owner !== undefined) return { linked: false, userId: owner };
      return { linked: true, identity: insertIdentity(userId, identity, this.nowMs()) };
    });

    const updateUserProfile = db.transaction(
      (id: string, profile: Partial<UserProfile>, lastLaunchAt?: Date): User | null => {
        const current = s.getUser.get(id);
        if (!current) return null;
        const next: UserRow = {
          ...current,
          updated_at: this.nowMs(),
          last_launch_at: lastLaunchAt ? ms(lastLaunchAt) : current.last_launch_at,
        };
        if (profile.email !== undefined) next.email = profile.email == null ? null : profile.email.toLowerCase();
        if (profile.givenName !== undefined) next.given_name = profile.givenName;
        if (profile.familyName !== undefined) next.family_name = profile.familyName;
        if (profile.displayName !== undefined) next.display_name = profile.displayName;
        if (profile.roles !== undefined) next.roles = JSON.stringify(profile.roles);
        if (profile.rawRoles !== undefined) next.raw_roles = JSON.stringify(profile.rawRoles);
        return toUser(s.updateUser.get(next)!);
      },
    );

    const assignLicense = db.transaction((input: AssignLicenseInput): AssignLicenseResult => {
      const entitlement = s.getEntitlement.get(input.orgId, input.productId);
      if (!entitlement) return { outcome: 'no_entitlement' };
      const existing = s.getLicense.get(input.userId, input.productId);
      if (existing) return { outcome: 'exists', license: toLicense(existing) };
      if (entitlement.seats !== null && (s.countLicenses.get(input.orgId, input.productId) ?? 0) >= entitlement.seats) {
        return { outcome: 'no_seats' };
      }
      const row = s.insertLicense.get({
        id: randomUUID(),
        user_id: input.userId,
        org_id: input.orgId,
        directory_id: input.directoryId,
        product_id: input.productId,
        source: input.source,
        created_at: this.nowMs(),
      })!;
      return { outcome: 'assigned', license: toLicense(row) };
    });

    const getOrSetSetting = db.transaction((name: string, value: string): string => {
      s.insertSettingIfAbsent.run(name, value);
      return s.getSetting.get(name)!;
    });

    // A read transaction, so the page and its total come from the same snapshot.
    const listAudit = db.transaction((where: Where, paging: Paging) =>
      this.page<AuditRow, AuditEvent>('audit_events', where, 'time DESC, seq DESC', paging, toAuditEvent),
    );
    const listUsers = db.transaction((where: Where, paging: Paging) =>
      this.page<UserRow, User>('users', where, 'created_at, rowid', paging, toUser),
    );

    // IMMEDIATE: take the write lock before the first read, so the checks and the write are one step
    // for every connection to the file, in this process or another.
    return {
      s,
      createConnection: (input) => createConnection.immediate(input),
      updateConnection: (id, patch) => updateConnection.immediate(id, patch),
      createUser: (input, identity) => createUser.immediate(input, identity),
      linkIdentity: (userId, identity) => linkIdentity.immediate(userId, identity),
      updateUserProfile: (id, profile, lastLaunchAt) => updateUserProfile.immediate(id, profile, lastLaunchAt),
      assignLicense: (input) => assignLicense.immediate(input),
      getOrSetSetting: (name, value) => getOrSetSetting.immediate(name, value),
      listAudit: (where, paging) => listAudit.deferred(where, paging),
      listUsers: (where, paging) => listUsers.deferred(where, paging),
    };
  }
}

function mapOrNull<R, T>(row: R | undefined, map: (row: R) => T): T | null {
  return row === undefined ? null : map(row);
}

/** Drops keys whose value is undefined, so a patch only overrides what it names. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function notInitialized(): Error {
  return new Error('The SQLite store was used before init().');
}

/**
 * The MongoDB store: the Store port over one dedicated mongoose connection. Single-document
 * operations are done here; the ones that race (connections, users, licenses, ephemeral values)
 * live in their own modules, each with its atomicity argument.
 */
import { randomUUID } from 'node:crypto';
import { trusted, Types, type Connection as MongooseConnection } from 'mongoose';
import { StoreUnavailableError } from '../errors';
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
import * as adminAccounts from './admin-accounts';
import * as connections from './connections';
import * as domains from './domains';
import { MongoEphemeralStore } from './ephemeral';
import { isDuplicateKey, translateErrorsOf } from './errors';
import { auditFilter, CREATION_ORDER, NEWEST_FIRST, pageWindow, text, validDate } from './filters';
import * as licenses from './licenses';
import {
  toApiToken,
  toAuditEvent,
  toDirectory,
  toDomain,
  toEntitlement,
  toLicense,
  toOrganization,
  toUser,
} from './mapping';
import type {
  ApiTokenDoc,
  AuditDoc,
  DirectoryDoc,
  DomainDoc,
  EntitlementDoc,
  LicenseDoc,
  Models,
  OrganizationDoc,
  UserDoc,
} from './schemas';
import * as settings from './settings';
import * as users from './users';

export class MongoStore implements Store {
  readonly kind = 'mongo' as const;
  readonly ephemeral: MongoEphemeralStore;

  constructor(
    private readonly conn: MongooseConnection,
    private readonly m: Models,
    private readonly now: () => Date,
  ) {
    this.ephemeral = new MongoEphemeralStore(m, now);
    translateErrorsOf(this);
  }

  async init(): Promise<void> {
    // Creates the declared indexes and drops ones no longer declared; idempotent.
    for (const model of Object.values(this.m)) {
      try {
        await model.syncIndexes();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Not a conflict a caller could handle: the data breaks an invariant the store relies on.
        throw new Error(
          `MongoDB collection "${model.collection.collectionName}" holds duplicates that its unique index forbids; ` +
            `remove them, then start again (${err instanceof Error ? err.message : String(err)})`,
          { cause: err },
        );
      }
    }
  }

  async close(): Promise<void> {
    await this.conn.close();
  }

  async ping(): Promise<void> {
    const db = this.conn.db;
    if (!db) throw new StoreUnavailableError('MongoDB is not connected.');
    // On the store's own database: needs no privileges beyond those the store already has.
    await db.command({ ping: 1 });
  }

  // Organizations and entitlements

  async createOrganization(input: { name: string }): Promise<Organization> {
    const doc: OrganizationDoc = { _id: randomUUID(), seq: new Types.ObjectId(), name: text(input.name), createdAt: this.now() };
    await this.m.organizations.create(doc);
    return toOrganization(doc);
  }

  async getOrganization(id: string): Promise<Organization | null> {
    const doc = await this.m.organizations.findById(text(id)).lean<OrganizationDoc>();
    return doc && toOrganization(doc);
  }

  async listOrganizations(filter?: { ids?: string[] }): Promise<Organization[]> {
    const query = filter?.ids === undefined ? {} : { _id: trusted({ $in: filter.ids.map(text) }) };
    const docs = await this.m.organizations.find(query).sort(CREATION_ORDER).lean<OrganizationDoc[]>();
    return docs.map(toOrganization);
  }

  async setEntitlement(orgId: string, productId: string, seats: number | null): Promise<Entitlement> {
    return licenses.setEntitlement(this.m, this.now(), orgId, productId, seats);
  }

  async getEntitlement(orgId: string, productId: string): Promise<Entitlement | null> {
    const doc = await this.m.entitlements
      .findOne({ orgId: text(orgId), productId: text(productId), active: true })
      .lean<EntitlementDoc>();
    return doc && toEntitlement(doc);
  }

  async listEntitlements(orgId: string): Promise<Entitlement[]> {
    const docs = await this.m.entitlements
      .find({ orgId: text(orgId), active: true })
      .sort({ productId: 1 })
      .lean<EntitlementDoc[]>();
    return docs.map(toEntitlement);
  }

  async deleteEntitlement(orgId: string, productId: string): Promise<boolean> {
    return licenses.deleteEntitlement(this.m, this.now(), orgId, productId);
  }

  async countLicenses(orgId: string, productId: string): Promise<number> {
    return this.m.licenses.countDocuments({ orgId: text(orgId), productId: text(productId) });
  }

  // Directories

  async createDirectory(input: { orgId: string; name: string; jitEnabled: boolean }): Promise<Directory> {
    const at = this.now();
    const doc: DirectoryDoc = {
      _id: randomUUID(),
      seq: new Types.ObjectId(),
      orgId: text(input.orgId),
      name: text(input.name),
      jitEnabled: input.jitEnabled === true,
      createdAt: at,
      updatedAt: at,
    };
    await this.m.directories.create(doc);
    return toDirectory(doc);
  }

  async getDirectory(id: string): Promise<Directory | null> {
    const doc = await this.m.directories.findById(text(id)).lean<DirectoryDoc>();
    return doc && toDirectory(doc);
  }

  async listDirectories(orgId: string): Promise<Directory[]> {
    const docs = await this.m.directories.find({ orgId: text(orgId) }).sort(CREATION_ORDER).lean<DirectoryDoc[]>();
    return docs.map(toDirectory);
  }

  async updateDirectory(id: string, patch: { name?: string; jitEnabled?: boolean }): Promise<Directory | null> {
    const set: Partial<DirectoryDoc> = { updatedAt: this.now() };
    if (patch.name !== undefined) set.name = text(patch.name);
    if (patch.jitEnabled !== undefined) set.jitEnabled = patch.jitEnabled === true;
    const doc = await this.m.directories
      .findOneAndUpdate({ _id: text(id) }, { $set: set }, { new: true })
      .lean<DirectoryDoc>();
    return doc && toDirectory(doc);
  }

  // Domains

  async claimDomain(input: { orgId: string; directoryId: string; name: string; verificationToken: string }): Promise<Domain> {
    return domains.claimDomain(this.m, this.now(), input);
  }

  async getDomain(id: string): Promise<Domain | null> {
    const doc = await this.m.domains.findById(text(id)).lean<DomainDoc>();
    return doc && toDomain(doc);
  }

  async findDomainByName(name: string): Promise<Domain | null> {
    return domains.findDomainByName(this.m, name);
  }

  async listDomains(filter: { orgId?: string; directoryId?: string }): Promise<Domain[]> {
    const query: { orgId?: string; directoryId?: string } = {};
    if (filter.orgId !== undefined) query.orgId = text(filter.orgId);
    if (filter.directoryId !== undefined) query.directoryId = text(filter.directoryId);
    const docs = await this.m.domains.find(query).sort({ name: 1 }).lean<DomainDoc[]>();
    return docs.map(toDomain);
  }

  async markDomainVerified(id: string, by: DomainVerifiedBy, at: Date): Promise<DomainVerification | null> {
    return domains.markDomainVerified(this.m, id, by, at);
  }

  async deleteDomain(id: string): Promise<boolean> {
    const result = await this.m.domains.deleteOne({ _id: text(id) });
    return result.deletedCount === 1;
  }

  // Connections

  async createConnection(input: NewConnection): Promise<Connection> {
    return connections.createConnection(this.m, this.now(), input);
  }

  async getConnection(id: string): Promise<Connection | null> {
    return connections.getConnection(this.m, id);
  }

  async findConnectionByTenantKey(tenantKey: string): Promise<Connection | null> {
    return connections.findConnectionByTenantKey(this.m, tenantKey);
  }

  async findCanvasConnections(issuer: string, clientId: string): Promise<Connection[]> {
    return connections.findCanvasConnections(this.m, issuer, clientId);
  }

  async listConnections(filter: ConnectionFilter): Promise<Connection[]> {
    return connections.listConnections(this.m, filter);
  }

  async updateConnection(id: string, patch: ConnectionPatch, onlyIf?: { status: ConnectionStatus }): Promise<Connection | null> {
    return connections.updateConnection(this.m, this.now(), id, patch, onlyIf);
  }

  async deleteConnection(id: string): Promise<boolean> {
    return connections.deleteConnection(this.m, id);
  }

  // Users and their external identities

  async getUser(id: string): Promise<User | null> {
    const doc = await this.m.users.findById(text(id)).lean<UserDoc>();
    return doc && toUser(doc);
  }

  async findUserByExternalIdentity(connectionId: string, subject: string): Promise<User | null> {
    return users.findUserByExternalIdentity(this.m, connectionId, subject);
  }

  async findUserByEmail(directoryId: string, email: string): Promise<User | null> {
    return users.findUserByEmail(this.m, directoryId, email);
  }

  async listUsers(filter: UserFilter, paging: Paging): Promise<Page<User>> {
    return users.listUsers(this.m, filter, paging);
  }

  async createUser(input: NewUser, identity?: NewExternalIdentity): Promise<CreateUserResult> {
    return users.createUser(this.m, this.now(), input, identity);
  }

  async linkExternalIdentity(userId: string, identity: NewExternalIdentity): Promise<LinkIdentityResult> {
    return users.linkExternalIdentity(this.m, this.now(), userId, identity);
  }

  async listExternalIdentities(userId: string): Promise<ExternalIdentity[]> {
    return users.listExternalIdentities(this.m, userId);
  }

  async updateUserProfile(id: string, profile: Partial<UserProfile>, lastLaunchAt?: Date): Promise<User | null> {
    return users.updateUserProfile(this.m, this.now(), id, profile, lastLaunchAt);
  }

  async setUserStatus(id: string, status: UserStatus): Promise<User | null> {
    return users.setUserStatus(this.m, this.now(), id, status);
  }

  // Licenses

  async getLicense(userId: string, productId: string): Promise<License | null> {
    const doc = await this.m.licenses.findOne({ userId: text(userId), productId: text(productId) }).lean<LicenseDoc>();
    return doc && toLicense(doc);
  }

  async listLicenses(filter: { userId?: string; orgId?: string; productId?: string }): Promise<License[]> {
    const query: { userId?: string; orgId?: string; productId?: string } = {};
    if (filter.userId !== undefined) query.userId = text(filter.userId);
    if (filter.orgId !== undefined) query.orgId = text(filter.orgId);
    if (filter.productId !== undefined) query.productId = text(filter.productId);
    const docs = await this.m.licenses.find(query).sort(CREATION_ORDER).lean<LicenseDoc[]>();
    return docs.map(toLicense);
  }

  async assignLicense(input: AssignLicenseInput): Promise<AssignLicenseResult> {
    return licenses.assignLicense(this.m, this.now(), input);
  }

  async revokeLicense(userId: string, productId: string): Promise<boolean> {
    return licenses.revokeLicense(this.m, userId, productId);
  }

  // Audit (append-only: this class only ever inserts audit documents)

  async appendAudit(event: NewAuditEvent): Promise<AuditEvent> {
    const doc: AuditDoc = {
      _id: randomUUID(),
      seq: new Types.ObjectId(),
      time: validDate(event.time, 'time'),
      kind: event.kind,
      orgId: event.orgId,
      directoryId: event.directoryId,
      connectionId: event.connectionId,
      partner: event.partner,
      subject: event.subject,
      email: event.email,
      userId: event.userId,
      productId: event.productId,
      decision: event.decision,
      reason: event.reason,
      requestId: event.requestId,
      actor: event.actor,
      detailJson: event.detail == null ? null : JSON.stringify(event.detail),
    };
    await this.m.audit.create(doc);
    return toAuditEvent(doc);
  }

  async getAuditEvent(id: string): Promise<AuditEvent | null> {
    const doc = await this.m.audit.findById(text(id)).lean<AuditDoc>();
    return doc && toAuditEvent(doc);
  }

  async listAudit(filter: AuditFilter, paging: Paging): Promise<Page<AuditEvent>> {
    const query = auditFilter(filter);
    const { skip, limit } = pageWindow(paging);
    const [docs, total] = await Promise.all([
      limit === 0
        ? Promise.resolve([])
        : this.m.audit.find(query).sort(NEWEST_FIRST).skip(skip).limit(limit).lean<AuditDoc[]>(),
      this.m.audit.countDocuments(query),
    ]);
    return { items: docs.map(toAuditEvent), total };
  }

  async countAudit(filter: AuditFilter): Promise<number> {
    return this.m.audit.countDocuments(auditFilter(filter));
  }

  // API tokens

  async createApiToken(input: NewApiToken): Promise<ApiToken> {
    const doc: ApiTokenDoc = {
      _id: randomUUID(),
      seq: new Types.ObjectId(),
      name: text(input.name),
      role: input.role,
      orgId: input.orgId === null ? null : text(input.orgId),
      tokenHash: text(input.tokenHash),
      createdAt: this.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.m.apiTokens.create(doc);
    return toApiToken(doc);
  }

  async findApiTokenByHash(tokenHash: string): Promise<ApiToken | null> {
    const doc = await this.m.apiTokens.findOne({ tokenHash: text(tokenHash) }).lean<ApiTokenDoc>();
    return doc && toApiToken(doc);
  }

  async listApiTokens(filter: { orgId?: string | null; role?: ApiTokenRole }): Promise<ApiToken[]> {
    // orgId null selects operator tokens (no organization); undefined selects every token.
    const query: { orgId?: string | null; role?: string } = {};
    if (filter.orgId !== undefined) query.orgId = filter.orgId === null ? null : text(filter.orgId);
    if (filter.role !== undefined) query.role = text(filter.role);
    const docs = await this.m.apiTokens.find(query).sort(CREATION_ORDER).lean<ApiTokenDoc[]>();
    return docs.map(toApiToken);
  }

  async revokeApiToken(id: string, at: Date): Promise<boolean> {
    // Only the first revocation counts: its time is the one kept.
    const result = await this.m.apiTokens.updateOne(
      { _id: text(id), revokedAt: null },
      { $set: { revokedAt: validDate(at, 'at') } },
    );
    return result.matchedCount === 1;
  }

  async touchApiToken(id: string, at: Date): Promise<void> {
    await this.m.apiTokens.updateOne({ _id: text(id) }, { $set: { lastUsedAt: validDate(at, 'at') } });
  }

  // Admin accounts

  async createAdminAccount(input: NewAdminAccount): Promise<AdminAccount> {
    return adminAccounts.createAdminAccount(this.m.adminAccounts, this.now(), input);
  }

  async getAdminAccount(id: string): Promise<AdminAccount | null> {
    return adminAccounts.getAdminAccount(this.m.adminAccounts, id);
  }

  async findAdminAccountByEmail(email: string): Promise<AdminAccount | null> {
    return adminAccounts.findAdminAccountByEmail(this.m.adminAccounts, email);
  }

  async listAdminAccounts(filter: { orgId?: string | null; role?: AdminRole }): Promise<AdminAccount[]> {
    return adminAccounts.listAdminAccounts(this.m.adminAccounts, filter);
  }

  async updateAdminAccount(id: string, patch: AdminAccountPatch): Promise<AdminAccount | null> {
    return adminAccounts.updateAdminAccount(this.m.adminAccounts, id, patch);
  }

  // Settings

  async getOrSetSetting(name: string, value: string): Promise<string> {
    return settings.getOrSetSetting(this.m, this.now(), name, value);
  }

  async getSetting(name: string): Promise<string | null> {
    return settings.getSetting(this.m, name);
  }

  async setSetting(name: string, value: string): Promise<void> {
    return settings.setSetting(this.m, this.now(), name, value);
  }
}

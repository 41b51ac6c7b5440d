/**
 * The storage port. Every operation that two launches or two processes could race on is a single
 * atomic operation here (unique keys, conditional updates, transactions): callers never
 * read-then-write to enforce an invariant.
 */
import type { NormalizedRole, Partner } from '../identity/launch-identity';
import type {
  AdminAccount,
  AdminRole,
  ApiToken,
  ApiTokenRole,
  AuditEvent,
  AuditKind,
  Connection,
  ConnectionSettings,
  ConnectionStatus,
  CreatedBy,
  Decision,
  Directory,
  Domain,
  DomainVerifiedBy,
  Entitlement,
  ExternalIdentity,
  License,
  LicenseSource,
  Organization,
  User,
  UserStatus,
} from './model';

export interface Page<T> {
  items: T[];
  total: number;
}

export interface Paging {
  limit: number;
  offset: number;
}

export interface DomainVerification {
  domain: Domain;
  /** The other directories' pending claims of the same name, removed by the verification. */
  removed: Domain[];
}

export interface NewConnection {
  status: ConnectionStatus;
  orgId: string | null;
  directoryId: string | null;
  settings: ConnectionSettings;
  enabled: boolean;
  trustEmail: boolean;
  label: string | null;
}

export interface ConnectionPatch {
  status?: ConnectionStatus;
  orgId?: string | null;
  directoryId?: string | null;
  settings?: ConnectionSettings;
  enabled?: boolean;
  trustEmail?: boolean;
  label?: string | null;
}

export interface ConnectionFilter {
  orgId?: string;
  directoryId?: string;
  status?: ConnectionStatus;
  partner?: Partner;
}

export interface UserProfile {
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  roles: NormalizedRole[];
  rawRoles: string[];
}

export interface NewUser extends UserProfile {
  orgId: string;
  directoryId: string;
  createdBy: CreatedBy;
  lastLaunchAt: Date | null;
}

export interface NewExternalIdentity {
  connectionId: string;
  partner: Partner;
  subject: string;
}

export interface UserFilter {
  orgId?: string;
  directoryId?: string;
  /** Case-insensitive substring of email, given, family or display name. */
  search?: string;
  status?: UserStatus;
}

export type CreateUserResult =
  /** `created: false` means another launch created the same person first; `user` is theirs. */
  | { created: true; user: User }
  | { created: false; user: User };

export type LinkIdentityResult =
  | { linked: true; identity: ExternalIdentity }
  /** The (connection, subject) already belongs to `userId` (possibly this same user). */
  | { linked: false; userId: string };

export interface AssignLicenseInput {
  userId: string;
  orgId: string;
  directoryId: string;
  productId: string;
  source: LicenseSource;
}

export type AssignLicenseResult =
  | { outcome: 'assigned'; license: License }
  | { outcome: 'exists'; license: License }
  /** The organization has no entitlement for the product. */
  | { outcome: 'no_entitlement' }
  /** Every seat of the entitlement is taken. */
  | { outcome: 'no_seats' };

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

export interface AuditFilter {
  /** `null` selects events of no organization (launches from tenants nobody linked). */
  orgId?: string | null;
  directoryId?: string;
  kind?: AuditKind;
  decision?: Decision;
  reason?: string;
  partner?: Partner;
  userId?: string;
  since?: Date;
  until?: Date;
}

export interface NewApiToken {
  name: string;
  role: ApiTokenRole;
  orgId: string | null;
  tokenHash: string;
}

export interface NewAdminAccount {
  email: string;
  passwordHash: string;
  role: AdminRole;
  orgId: string | null;
}

export interface AdminAccountPatch {
  passwordHash?: string;
  disabledAt?: Date | null;
}

/** Console sign-in accounts. */
export interface AdminAccountStore {
  /** Throws StoreConflictError('email_taken') when an account with the (lower-cased) email exists. */
  createAdminAccount(input: NewAdminAccount): Promise<AdminAccount>;
  getAdminAccount(id: string): Promise<AdminAccount | null>;
  /** Case-insensitive. */
  findAdminAccountByEmail(email: string): Promise<AdminAccount | null>;
  /** `orgId: null` selects operators' accounts; oldest first. */
  listAdminAccounts(filter: { orgId?: string | null; role?: AdminRole }): Promise<AdminAccount[]>;
  updateAdminAccount(id: string, patch: AdminAccountPatch): Promise<AdminAccount | null>;
}

/** Short-lived single-use values: OIDC state and nonces, OAuth states, sessions. */
export interface EphemeralStore {
  /** Stores the value unless the key already exists (and is unexpired). Returns false if it did. */
  putIfAbsent(namespace: string, key: string, value: string, expiresAt: Date): Promise<boolean>;
  /** Stores or replaces the value. */
  put(namespace: string, key: string, value: string, expiresAt: Date): Promise<void>;
  /** Reads an unexpired value without consuming it. */
  get(namespace: string, key: string): Promise<string | null>;
  /**
   * Atomically reads and deletes an unexpired value: of any number of concurrent callers across
   * processes, exactly one gets the value. This is the operation replay protection rests on.
   */
  consume(namespace: string, key: string): Promise<string | null>;
  delete(namespace: string, key: string): Promise<void>;
  /** Removes expired values; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

export interface Store extends AdminAccountStore {
  readonly kind: 'sqlite' | 'mongo';
  readonly ephemeral: EphemeralStore;

  /** Creates schema and indexes; idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;

  // Organizations and entitlements
  createOrganization(input: { name: string }): Promise<Organization>;
  getOrganization(id: string): Promise<Organization | null>;
  listOrganizations(filter?: { ids?: string[] }): Promise<Organization[]>;
  /** Creates or replaces the seat count. Lowering seats below those in use is allowed (no new licenses until below). */
  setEntitlement(orgId: string, productId: string, seats: number | null): Promise<Entitlement>;
  getEntitlement(orgId: string, productId: string): Promise<Entitlement | null>;
  listEntitlements(orgId: string): Promise<Entitlement[]>;
  deleteEntitlement(orgId: string, productId: string): Promise<boolean>;
  countLicenses(orgId: string, productId: string): Promise<number>;

  // Directories
  createDirectory(input: { orgId: string; name: string; jitEnabled: boolean }): Promise<Directory>;
  getDirectory(id: string): Promise<Directory | null>;
  listDirectories(orgId: string): Promise<Directory[]>;
  updateDirectory(id: string, patch: { name?: string; jitEnabled?: boolean }): Promise<Directory | null>;

  // Domains
  /**
   * A pending claim. Claims of one name by several directories may coexist while pending (so no
   * one can squat another district's domain by claiming it first); only a verified claim is
   * exclusive. Throws StoreConflictError('domain_taken') when the name is verified by any
   * directory, or this directory already claims it.
   */
  claimDomain(input: { orgId: string; directoryId: string; name: string; verificationToken: string }): Promise<Domain>;
  getDomain(id: string): Promise<Domain | null>;
  /** The verified claim of the name if there is one, else the oldest pending claim. */
  findDomainByName(name: string): Promise<Domain | null>;
  listDomains(filter: { orgId?: string; directoryId?: string }): Promise<Domain[]>;
  /**
   * Verifies the claim and removes every other pending claim of the name, in one atomic step:
   * `removed` lists those. At most one claim of a name is ever verified: when another one is,
   * throws StoreConflictError('domain_taken') and changes nothing. Null when the id is unknown.
   */
  markDomainVerified(id: string, by: DomainVerifiedBy, at: Date): Promise<DomainVerification | null>;
  deleteDomain(id: string): Promise<boolean>;

  // Connections (partner tenants linked as secondary identity providers)
  /** Throws StoreConflictError('tenant_taken') when any of its tenant keys belongs to another connection. */
  createConnection(input: NewConnection): Promise<Connection>;
  getConnection(id: string): Promise<Connection | null>;
  /** By `tenantKeyString(...)` of the launch's tenant. */
  findConnectionByTenantKey(tenantKey: string): Promise<Connection | null>;
  /** Canvas connections (linked or pending) registered for this issuer and client id. */
  findCanvasConnections(issuer: string, clientId: string): Promise<Connection[]>;
  listConnections(filter: ConnectionFilter): Promise<Connection[]>;
  /** Re-indexes tenant keys when settings change; throws StoreConflictError('tenant_taken'). */
  /**
   * With `onlyIf`, the update applies only while the connection still has that status (e.g. two
   * admins linking one pending registration: one wins); otherwise, and when not found, null.
   */
  updateConnection(id: string, patch: ConnectionPatch, onlyIf?: { status: ConnectionStatus }): Promise<Connection | null>;
  deleteConnection(id: string): Promise<boolean>;

  // Users and their external identities
  getUser(id: string): Promise<User | null>;
  findUserByExternalIdentity(connectionId: string, subject: string): Promise<User | null>;
  findUserByEmail(directoryId: string, email: string): Promise<User | null>;
  listUsers(filter: UserFilter, paging: Paging): Promise<Page<User>>;
  /**
   * Creates a user, and with `identity` its external identity, atomically. When the identity or
   * the (directory, email) already exists, nothing is written and the existing user is returned.
   */
  createUser(input: NewUser, identity?: NewExternalIdentity): Promise<CreateUserResult>;
  linkExternalIdentity(userId: string, identity: NewExternalIdentity): Promise<LinkIdentityResult>;
  listExternalIdentities(userId: string): Promise<ExternalIdentity[]>;
  /** Refreshes names and roles (and email when given) and records a launch time. */
  updateUserProfile(id: string, profile: Partial<UserProfile>, lastLaunchAt?: Date): Promise<User | null>;
  setUserStatus(id: string, status: UserStatus): Promise<User | null>;

  // Licenses
  getLicense(userId: string, productId: string): Promise<License | null>;
  listLicenses(filter: { userId?: string; orgId?: string; productId?: string }): Promise<License[]>;
  /** Atomic: checks the entitlement's seats and inserts in one step. */
  assignLicense(input: AssignLicenseInput): Promise<AssignLicenseResult>;
  revokeLicense(userId: string, productId: string): Promise<boolean>;

  // Audit (append-only)
  appendAudit(event: NewAuditEvent): Promise<AuditEvent>;
  getAuditEvent(id: string): Promise<AuditEvent | null>;
  /** Newest first. */
  listAudit(filter: AuditFilter, paging: Paging): Promise<Page<AuditEvent>>;
  countAudit(filter: AuditFilter): Promise<number>;

  // API tokens
  createApiToken(input: NewApiToken): Promise<ApiToken>;
  findApiTokenByHash(tokenHash: string): Promise<ApiToken | null>;
  listApiTokens(filter: { orgId?: string | null; role?: ApiTokenRole }): Promise<ApiToken[]>;
  revokeApiToken(id: string, at: Date): Promise<boolean>;
  touchApiToken(id: string, at: Date): Promise<void>;

  /**
   * A small key-value area for deployment-wide values (signing keys, registration secrets):
   * returns the stored value, or stores `value` if none exists yet and returns it. Two processes
   * starting at once agree on one value.
   */
  getOrSetSetting(name: string, value: string): Promise<string>;
  getSetting(name: string): Promise<string | null>;
  setSetting(name: string, value: string): Promise<void>;
}

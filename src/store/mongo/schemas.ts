/**
 * The documents LaunchGate keeps in MongoDB, their schemas and every index. Indexes are declared
 * here and built by `init()` (autoIndex is off), so a unique key that cannot be built (existing
 * duplicates) stops start-up instead of silently not existing.
 *
 * `_id` is a UUID string (the record's `id`). `seq` is an ObjectId taken at insert: ObjectIds from
 * one process increase, so sorting by (createdAt, seq) lists records in insertion order even when
 * several share a timestamp, as SQLite's rowid does.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { NormalizedRole, Partner } from '../../identity/launch-identity';
import { ADMIN_EMAIL_INDEX, adminAccountSchema, type AdminAccountDoc } from './admin-accounts';
import type {
  ApiTokenRole,
  AuditKind,
  ConnectionSettings,
  ConnectionStatus,
  CreatedBy,
  Decision,
  DomainStatus,
  DomainVerifiedBy,
  LicenseSource,
  UserStatus,
} from '../model';

export interface OrganizationDoc {
  _id: string;
  seq: Types.ObjectId;
  name: string;
  createdAt: Date;
}

/** A seat held by a launch between reserving it and inserting its license (see ./licenses). */
export interface SeatReservation {
  userId: string;
  at: Date;
}

/**
 * `used` counts the licenses of (orgId, productId) plus the seats in `reserving`; see ./licenses.
 * `active: false` is a deleted entitlement, kept so `used` survives until it is set again
 * (licenses outlive their entitlement, as in the SQLite store).
 */
export interface EntitlementDoc {
  _id: string;
  orgId: string;
  productId: string;
  seats: number | null;
  used: number;
  reserving: SeatReservation[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface DirectoryDoc {
  _id: string;
  seq: Types.ObjectId;
  orgId: string;
  name: string;
  jitEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface DomainDoc {
  _id: string;
  orgId: string;
  directoryId: string;
  name: string;
  status: DomainStatus;
  verificationToken: string;
  verifiedAt: Date | null;
  verifiedBy: DomainVerifiedBy | null;
  createdAt: Date;
}

export interface ConnectionDoc {
  _id: string;
  seq: Types.ObjectId;
  partner: Partner;
  status: ConnectionStatus;
  orgId: string | null;
  directoryId: string | null;
  settings: ConnectionSettings;
  /** `tenantKeyString` of every tenant the connection answers for; unique across connections. */
  tenantKeys: string[];
  enabled: boolean;
  trustEmail: boolean;
  label: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** An external identity lives inside its user, so creating both is one atomic insert. */
export interface IdentityDoc {
  id: string;
  connectionId: string;
  partner: Partner;
  subject: string;
  /** `connectionId + '\u0000' + subject`: one value to index uniquely (see identityKey). */
  key: string;
  createdAt: Date;
}

export interface UserDoc {
  _id: string;
  seq: Types.ObjectId;
  orgId: string;
  directoryId: string;
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  roles: NormalizedRole[];
  rawRoles: string[];
  status: UserStatus;
  createdBy: CreatedBy;
  lastLaunchAt: Date | null;
  identities: IdentityDoc[];
  createdAt: Date;
  updatedAt: Date;
}

export interface LicenseDoc {
  _id: string;
  seq: Types.ObjectId;
  userId: string;
  orgId: string;
  directoryId: string;
  productId: string;
  source: LicenseSource;
  createdAt: Date;
}

/** Append-only: inserted, never updated or deleted by the store. */
export interface AuditDoc {
  _id: string;
  seq: Types.ObjectId;
  time: Date;
  kind: AuditKind;
  orgId: string | null;
  directoryId: string | null;
  connectionId: string | null;
  partner: Partner | null;
  subject: string | null;
  email: string | null;
  userId: string | null;
  productId: string | null;
  decision: Decision | null;
  reason: string;
  requestId: string | null;
  actor: string | null;
  /**
   * The detail as JSON text, as the SQLite store keeps it: it round-trips the same way on both
   * stores, and keys chosen by a partner (dots, dollar signs) never become MongoDB field names.
   */
  detailJson: string | null;
}

export interface ApiTokenDoc {
  _id: string;
  seq: Types.ObjectId;
  name: string;
  role: ApiTokenRole;
  orgId: string | null;
  tokenHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** `_id` is the setting's name. */
export interface SettingDoc {
  _id: string;
  value: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface EphemeralDoc {
  _id: string;
  namespace: string;
  key: string;
  value: string;
  expiresAt: Date;
  createdAt: Date;
}

/**
 * Unique indexes by name, with the conflict code a duplicate on each maps to (./errors). Names are
 * explicit so the server's duplicate-key message names them whatever its version.
 */
export const UNIQUE_INDEX = {
  entitlement: 'entitlement_org_product_unique',
  // Partial to verified claims (pending ones coexist); a new name, so init() drops the old index.
  domainName: 'domain_verified_name_unique',
  domainDirectoryName: 'domain_directory_name_unique',
  tenantKey: 'connection_tenant_key_unique',
  userEmail: 'user_directory_email_unique',
  identityKey: 'user_identity_key_unique',
  license: 'license_user_product_unique',
  tokenHash: 'api_token_hash_unique',
  ephemeralKey: 'ephemeral_namespace_key_unique',
  adminEmail: ADMIN_EMAIL_INDEX,
} as const;

/**
 * `strict: 'throw'` turns a misspelt field into an error instead of a silently dropped write;
 * `minimize: false` keeps empty objects; no `__v` and no `id` virtual (records map explicitly).
 */
const OPTIONS = { versionKey: false, id: false, strict: 'throw', minimize: false, autoIndex: false, autoCreate: false } as const;

const str = { type: String };
const date = { type: Date };
const bool = { type: Boolean };
const seq = { type: Schema.Types.ObjectId };
const strings = { type: [String] };

const organizationSchema = new Schema<OrganizationDoc>(
  { _id: str, seq, name: str, createdAt: date },
  { ...OPTIONS, collection: 'organizations' },
);
organizationSchema.index({ createdAt: 1, seq: 1 });

const reservationSchema = new Schema<SeatReservation>(
  { userId: str, at: date },
  { _id: false, id: false, versionKey: false, strict: 'throw' },
);

const entitlementSchema = new Schema<EntitlementDoc>(
  {
    _id: str,
    orgId: str,
    productId: str,
    seats: { type: Number },
    used: { type: Number },
    reserving: { type: [reservationSchema] },
    active: bool,
    createdAt: date,
    updatedAt: date,
  },
  { ...OPTIONS, collection: 'entitlements' },
);
entitlementSchema.index({ orgId: 1, productId: 1 }, { unique: true, name: UNIQUE_INDEX.entitlement });

const directorySchema = new Schema<DirectoryDoc>(
  { _id: str, seq, orgId: str, name: str, jitEnabled: bool, createdAt: date, updatedAt: date },
  { ...OPTIONS, collection: 'directories' },
);
directorySchema.index({ orgId: 1, createdAt: 1, seq: 1 });

const domainSchema = new Schema<DomainDoc>(
  {
    _id: str,
    orgId: str,
    directoryId: str,
    name: str,
    status: str,
    verificationToken: str,
    verifiedAt: date,
    verifiedBy: str,
    createdAt: date,
  },
  { ...OPTIONS, collection: 'domains' },
);
domainSchema.index({ name: 1 }, { unique: true, name: UNIQUE_INDEX.domainName, partialFilterExpression: { status: 'verified' } });
domainSchema.index({ directoryId: 1, name: 1 }, { unique: true, name: UNIQUE_INDEX.domainDirectoryName });
domainSchema.index({ orgId: 1, name: 1 });
// findDomainByName: the verified claim first, then the oldest pending (the partial index cannot serve it).
domainSchema.index({ name: 1, status: -1, createdAt: 1 });

const connectionSchema = new Schema<ConnectionDoc>(
  {
    _id: str,
    seq,
    partner: str,
    status: str,
    orgId: str,
    directoryId: str,
    settings: { type: Schema.Types.Mixed },
    tenantKeys: strings,
    enabled: bool,
    trustEmail: bool,
    label: str,
    createdAt: date,
    updatedAt: date,
  },
  { ...OPTIONS, collection: 'connections' },
);
// Multikey and unique: no two connections may hold the same tenant key. Partial, because MongoDB
// indexes an empty array as one shared "undefined" key and would let only one keyless (pending
// Canvas) connection exist.
connectionSchema.index(
  { tenantKeys: 1 },
  { unique: true, name: UNIQUE_INDEX.tenantKey, partialFilterExpression: { tenantKeys: { $type: 'string' } } },
);
connectionSchema.index({ 'settings.issuer': 1, 'settings.clientId': 1 });
connectionSchema.index({ orgId: 1 });
connectionSchema.index({ directoryId: 1 });

const identitySchema = new Schema<IdentityDoc>(
  { id: str, connectionId: str, partner: str, subject: str, key: str, createdAt: date },
  { _id: false, id: false, versionKey: false, strict: 'throw' },
);

const userSchema = new Schema<UserDoc>(
  {
    _id: str,
    seq,
    orgId: str,
    directoryId: str,
    email: str,
    givenName: str,
    familyName: str,
    displayName: str,
    roles: strings,
    rawRoles: strings,
    status: str,
    createdBy: str,
    lastLaunchAt: date,
    identities: { type: [identitySchema] },
    createdAt: date,
    updatedAt: date,
  },
  { ...OPTIONS, collection: 'users' },
);
// Partial so that any number of users without an email (null) may share a directory.
userSchema.index(
  { directoryId: 1, email: 1 },
  { unique: true, name: UNIQUE_INDEX.userEmail, partialFilterExpression: { email: { $type: 'string' } } },
);
// Multikey over the embedded identities: one (connection, subject) belongs to at most one user.
// Partial for the same reason as tenantKeys: users without identities must not collide.
userSchema.index(
  { 'identities.key': 1 },
  {
    unique: true,
    name: UNIQUE_INDEX.identityKey,
    partialFilterExpression: { 'identities.key': { $type: 'string' } },
  },
);
userSchema.index({ 'identities.connectionId': 1 });
userSchema.index({ createdAt: 1, seq: 1 });
userSchema.index({ orgId: 1, createdAt: 1, seq: 1 });
userSchema.index({ directoryId: 1, createdAt: 1, seq: 1 });

const licenseSchema = new Schema<LicenseDoc>(
  {
    _id: str,
    seq,
    userId: str,
    orgId: str,
    directoryId: str,
    productId: str,
    source: str,
    createdAt: date,
  },
  { ...OPTIONS, collection: 'licenses' },
);
licenseSchema.index({ userId: 1, productId: 1 }, { unique: true, name: UNIQUE_INDEX.license });
licenseSchema.index({ orgId: 1, productId: 1 });

const auditSchema = new Schema<AuditDoc>(
  {
    _id: str,
    seq,
    time: date,
    kind: str,
    orgId: str,
    directoryId: str,
    connectionId: str,
    partner: str,
    subject: str,
    email: str,
    userId: str,
    productId: str,
    decision: str,
    reason: str,
    requestId: str,
    actor: str,
    detailJson: str,
  },
  { ...OPTIONS, collection: 'audit_events' },
);
auditSchema.index({ time: -1, seq: -1 });
auditSchema.index({ orgId: 1, time: -1, seq: -1 });
auditSchema.index({ directoryId: 1, time: -1, seq: -1 });
auditSchema.index({ userId: 1, time: -1, seq: -1 });

const apiTokenSchema = new Schema<ApiTokenDoc>(
  {
    _id: str,
    seq,
    name: str,
    role: str,
    orgId: str,
    tokenHash: str,
    createdAt: date,
    lastUsedAt: date,
    revokedAt: date,
  },
  { ...OPTIONS, collection: 'api_tokens' },
);
apiTokenSchema.index({ tokenHash: 1 }, { unique: true, name: UNIQUE_INDEX.tokenHash });

const settingSchema = new Schema<SettingDoc>(
  { _id: str, value: str, createdAt: date, updatedAt: date },
  { ...OPTIONS, collection: 'settings' },
);

const ephemeralSchema = new Schema<EphemeralDoc>(
  { _id: str, namespace: str, key: str, value: str, expiresAt: date, createdAt: date },
  { ...OPTIONS, collection: 'ephemeral' },
);
ephemeralSchema.index({ namespace: 1, key: 1 }, { unique: true, name: UNIQUE_INDEX.ephemeralKey });
// Housekeeping only: the TTL monitor runs about once a minute, so every read also checks expiresAt.
ephemeralSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export interface Models {
  organizations: Model<OrganizationDoc>;
  entitlements: Model<EntitlementDoc>;
  directories: Model<DirectoryDoc>;
  domains: Model<DomainDoc>;
  connections: Model<ConnectionDoc>;
  users: Model<UserDoc>;
  licenses: Model<LicenseDoc>;
  audit: Model<AuditDoc>;
  apiTokens: Model<ApiTokenDoc>;
  settings: Model<SettingDoc>;
  ephemeral: Model<EphemeralDoc>;
  adminAccounts: Model<AdminAccountDoc>;
}

/** Models live on the store's own connection, never on the global mongoose (ltijs has its own). */
export function defineModels(conn: Connection): Models {
  return {
    organizations: conn.model<OrganizationDoc>('Organization', organizationSchema),
    entitlements: conn.model<EntitlementDoc>('Entitlement', entitlementSchema),
    directories: conn.model<DirectoryDoc>('Directory', directorySchema),
    domains: conn.model<DomainDoc>('Domain', domainSchema),
    connections: conn.model<ConnectionDoc>('Connection', connectionSchema),
    users: conn.model<UserDoc>('User', userSchema),
    licenses: conn.model<LicenseDoc>('License', licenseSchema),
    audit: conn.model<AuditDoc>('AuditEvent', auditSchema),
    apiTokens: conn.model<ApiTokenDoc>('ApiToken', apiTokenSchema),
    settings: conn.model<SettingDoc>('Setting', settingSchema),
    ephemeral: conn.model<EphemeralDoc>('Ephemeral', ephemeralSchema),
    adminAccounts: conn.model<AdminAccountDoc>('AdminAccount', adminAccountSchema(OPTIONS)),
  };
}

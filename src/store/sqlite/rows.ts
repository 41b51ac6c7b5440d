/** Rows as SQLite returns them, and their mapping to the records of ../model. */
import type { NormalizedRole, Partner } from '../../identity/launch-identity';
import type {
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
  DomainStatus,
  DomainVerifiedBy,
  Entitlement,
  ExternalIdentity,
  License,
  LicenseSource,
  Organization,
  User,
  UserStatus,
} from '../model';

export interface OrganizationRow {
  id: string;
  name: string;
  created_at: number;
}

export interface EntitlementRow {
  org_id: string;
  product_id: string;
  seats: number | null;
  created_at: number;
  updated_at: number;
}

export interface DirectoryRow {
  id: string;
  org_id: string;
  name: string;
  jit_enabled: number;
  created_at: number;
  updated_at: number;
}

export interface DomainRow {
  id: string;
  org_id: string;
  directory_id: string;
  name: string;
  status: DomainStatus;
  verification_token: string;
  verified_at: number | null;
  verified_by: DomainVerifiedBy | null;
  created_at: number;
}

export interface ConnectionRow {
  id: string;
  partner: Partner;
  status: ConnectionStatus;
  org_id: string | null;
  directory_id: string | null;
  settings: string;
  enabled: number;
  trust_email: number;
  label: string | null;
  canvas_issuer: string | null;
  canvas_client_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface UserRow {
  id: string;
  org_id: string;
  directory_id: string;
  email: string | null;
  given_name: string | null;
  family_name: string | null;
  display_name: string | null;
  roles: string;
  raw_roles: string;
  status: UserStatus;
  created_by: CreatedBy;
  last_launch_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ExternalIdentityRow {
  id: string;
  user_id: string;
  connection_id: string;
  partner: Partner;
  subject: string;
  created_at: number;
}

export interface LicenseRow {
  id: string;
  user_id: string;
  org_id: string;
  directory_id: string;
  product_id: string;
  source: LicenseSource;
  created_at: number;
}

export interface AuditRow {
  seq: number;
  id: string;
  time: number;
  kind: AuditKind;
  org_id: string | null;
  directory_id: string | null;
  connection_id: string | null;
  partner: Partner | null;
  subject: string | null;
  email: string | null;
  user_id: string | null;
  product_id: string | null;
  decision: Decision | null;
  reason: string;
  request_id: string | null;
  actor: string | null;
  detail: string | null;
}

export interface ApiTokenRow {
  id: string;
  name: string;
  role: ApiTokenRole;
  org_id: string | null;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const date = (ms: number): Date => new Date(ms);
const dateOrNull = (ms: number | null): Date | null => (ms == null ? null : new Date(ms));
export const ms = (d: Date): number => d.getTime();
export const msOrNull = (d: Date | null | undefined): number | null => (d == null ? null : d.getTime());
export function mapOrNull<R, T>(row: R | undefined, map: (row: R) => T): T | null {
  return row === undefined ? null : map(row);
}
export const bool = (b: boolean): number => (b ? 1 : 0);

export function toOrganization(r: OrganizationRow): Organization {
  return { id: r.id, name: r.name, createdAt: date(r.created_at) };
}

export function toEntitlement(r: EntitlementRow): Entitlement {
  return {
    orgId: r.org_id,
    productId: r.product_id,
    seats: r.seats,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export function toDirectory(r: DirectoryRow): Directory {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    jitEnabled: r.jit_enabled === 1,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export function toDomain(r: DomainRow): Domain {
  return {
    id: r.id,
    orgId: r.org_id,
    directoryId: r.directory_id,
    name: r.name,
    status: r.status,
    verificationToken: r.verification_token,
    verifiedAt: dateOrNull(r.verified_at),
    verifiedBy: r.verified_by,
    createdAt: date(r.created_at),
  };
}

export function toConnection(r: ConnectionRow): Connection {
  return {
    id: r.id,
    partner: r.partner,
    status: r.status,
    orgId: r.org_id,
    directoryId: r.directory_id,
    settings: JSON.parse(r.settings) as ConnectionSettings,
    enabled: r.enabled === 1,
    trustEmail: r.trust_email === 1,
    label: r.label,
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export function toUser(r: UserRow): User {
  return {
    id: r.id,
    orgId: r.org_id,
    directoryId: r.directory_id,
    email: r.email,
    givenName: r.given_name,
    familyName: r.family_name,
    displayName: r.display_name,
    roles: JSON.parse(r.roles) as NormalizedRole[],
    rawRoles: JSON.parse(r.raw_roles) as string[],
    status: r.status,
    createdBy: r.created_by,
    lastLaunchAt: dateOrNull(r.last_launch_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

export function toExternalIdentity(r: ExternalIdentityRow): ExternalIdentity {
  return {
    id: r.id,
    userId: r.user_id,
    connectionId: r.connection_id,
    partner: r.partner,
    subject: r.subject,
    createdAt: date(r.created_at),
  };
}

export function toLicense(r: LicenseRow): License {
  return {
    id: r.id,
    userId: r.user_id,
    orgId: r.org_id,
    directoryId: r.directory_id,
    productId: r.product_id,
    source: r.source,
    createdAt: date(r.created_at),
  };
}

export function toAuditEvent(r: AuditRow): AuditEvent {
  return {
    id: r.id,
    time: date(r.time),
    kind: r.kind,
    orgId: r.org_id,
    directoryId: r.directory_id,
    connectionId: r.connection_id,
    partner: r.partner,
    subject: r.subject,
    email: r.email,
    userId: r.user_id,
    productId: r.product_id,
    decision: r.decision,
    reason: r.reason,
    requestId: r.request_id,
    actor: r.actor,
    detail: r.detail == null ? null : (JSON.parse(r.detail) as Record<string, unknown>),
  };
}

export function toApiToken(r: ApiTokenRow): ApiToken {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    orgId: r.org_id,
    tokenHash: r.token_hash,
    createdAt: date(r.created_at),
    lastUsedAt: dateOrNull(r.last_used_at),
    revokedAt: dateOrNull(r.revoked_at),
  };
}

export { connectionTenants, connectionKeys } from '../tenant-keys';

/**
 * Lean documents to the plain records of ../model. Every field is copied by name, so nothing of
 * MongoDB (`_id`, `seq`, counters, index keys) leaks out. `?? null` covers fields a document
 * written by an older version may lack.
 */
import type {
  ApiToken,
  AuditEvent,
  Connection,
  Directory,
  Domain,
  Entitlement,
  ExternalIdentity,
  License,
  Organization,
  User,
} from '../model';
import type {
  ApiTokenDoc,
  AuditDoc,
  ConnectionDoc,
  DirectoryDoc,
  DomainDoc,
  EntitlementDoc,
  IdentityDoc,
  LicenseDoc,
  OrganizationDoc,
  UserDoc,
} from './schemas';

export function toOrganization(d: OrganizationDoc): Organization {
  return { id: d._id, name: d.name, createdAt: d.createdAt };
}

export function toEntitlement(d: EntitlementDoc): Entitlement {
  return {
    orgId: d.orgId,
    productId: d.productId,
    seats: d.seats ?? null,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export function toDirectory(d: DirectoryDoc): Directory {
  return {
    id: d._id,
    orgId: d.orgId,
    name: d.name,
    jitEnabled: d.jitEnabled,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export function toDomain(d: DomainDoc): Domain {
  return {
    id: d._id,
    orgId: d.orgId,
    directoryId: d.directoryId,
    name: d.name,
    status: d.status,
    verificationToken: d.verificationToken,
    verifiedAt: d.verifiedAt ?? null,
    verifiedBy: d.verifiedBy ?? null,
    createdAt: d.createdAt,
  };
}

export function toConnection(d: ConnectionDoc): Connection {
  return {
    id: d._id,
    partner: d.partner,
    status: d.status,
    orgId: d.orgId ?? null,
    directoryId: d.directoryId ?? null,
    settings: d.settings,
    enabled: d.enabled,
    trustEmail: d.trustEmail,
    label: d.label ?? null,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export function toUser(d: UserDoc): User {
  return {
    id: d._id,
    orgId: d.orgId,
    directoryId: d.directoryId,
    email: d.email ?? null,
    givenName: d.givenName ?? null,
    familyName: d.familyName ?? null,
    displayName: d.displayName ?? null,
    roles: [...(d.roles ?? [])],
    rawRoles: [...(d.rawRoles ?? [])],
    status: d.status,
    createdBy: d.createdBy,
    lastLaunchAt: d.lastLaunchAt ?? null,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

export function toExternalIdentity(userId: string, d: IdentityDoc): ExternalIdentity {
  return {
    id: d.id,
    userId,
    connectionId: d.connectionId,
    partner: d.partner,
    subject: d.subject,
    createdAt: d.createdAt,
  };
}

export function toLicense(d: LicenseDoc): License {
  return {
    id: d._id,
    userId: d.userId,
    orgId: d.orgId,
    directoryId: d.directoryId,
    productId: d.productId,
    source: d.source,
    createdAt: d.createdAt,
  };
}

export function toAuditEvent(d: AuditDoc): AuditEvent {
  return {
    id: d._id,
    time: d.time,
    kind: d.kind,
    orgId: d.orgId ?? null,
    directoryId: d.directoryId ?? null,
    connectionId: d.connectionId ?? null,
    partner: d.partner ?? null,
    subject: d.subject ?? null,
    email: d.email ?? null,
    userId: d.userId ?? null,
    productId: d.productId ?? null,
    decision: d.decision ?? null,
    reason: d.reason,
    requestId: d.requestId ?? null,
    actor: d.actor ?? null,
    detail: d.detailJson == null ? null : (JSON.parse(d.detailJson) as Record<string, unknown>),
  };
}

export function toApiToken(d: ApiTokenDoc): ApiToken {
  return {
    id: d._id,
    name: d.name,
    role: d.role,
    orgId: d.orgId ?? null,
    tokenHash: d.tokenHash,
    createdAt: d.createdAt,
    lastUsedAt: d.lastUsedAt ?? null,
    revokedAt: d.revokedAt ?? null,
  };
}

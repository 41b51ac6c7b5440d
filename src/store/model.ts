/** The records LaunchGate keeps. Both store adapters read and write exactly these shapes. */
import type { NormalizedRole, Partner } from '../identity/launch-identity';

export interface Organization {
  id: string;
  name: string;
  createdAt: Date;
}

export interface Entitlement {
  orgId: string;
  productId: string;
  /** null means unlimited. */
  seats: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface Directory {
  id: string;
  orgId: string;
  name: string;
  jitEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type DomainStatus = 'pending' | 'verified';
export type DomainVerifiedBy = 'dns' | 'operator';

export interface Domain {
  id: string;
  orgId: string;
  directoryId: string;
  /**
   * Lower-case, IDNA (punycode) form. At most one verified claim per name across every
   * organization; pending claims of a name may coexist, one per directory.
   */
  name: string;
  status: DomainStatus;
  verificationToken: string;
  verifiedAt: Date | null;
  verifiedBy: DomainVerifiedBy | null;
  createdAt: Date;
}

export interface CanvasSettings {
  partner: 'canvas';
  issuer: string;
  clientId: string;
  deploymentIds: string[];
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
}
export interface CleverSettings {
  partner: 'clever';
  districtId: string;
}
export interface ClassLinkSettings {
  partner: 'classlink';
  tenantId: string;
}
export type ConnectionSettings = CanvasSettings | CleverSettings | ClassLinkSettings;

/**
 * `linked`: bound to a directory, launches may be allowed. `pending`: known to LaunchGate (e.g. from
 * Canvas dynamic registration) but not yet linked by an admin; launches are refused.
 */
export type ConnectionStatus = 'linked' | 'pending';

export interface Connection {
  id: string;
  partner: Partner;
  status: ConnectionStatus;
  orgId: string | null;
  directoryId: string | null;
  settings: ConnectionSettings;
  enabled: boolean;
  /** Match an arriving user to an existing user of the directory by email. */
  trustEmail: boolean;
  /** Free text for admins, e.g. the Canvas platform name from dynamic registration. */
  label: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type UserStatus = 'active' | 'blocked';
export type CreatedBy = 'jit' | 'admin';

export interface User {
  id: string;
  orgId: string;
  directoryId: string;
  /** Lower-cased. Unique within a directory when present. */
  email: string | null;
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  roles: NormalizedRole[];
  rawRoles: string[];
  status: UserStatus;
  createdBy: CreatedBy;
  lastLaunchAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ExternalIdentity {
  id: string;
  userId: string;
  connectionId: string;
  partner: Partner;
  subject: string;
  createdAt: Date;
}

export type LicenseSource = 'jit' | 'admin';

export interface License {
  id: string;
  userId: string;
  orgId: string;
  directoryId: string;
  productId: string;
  source: LicenseSource;
  createdAt: Date;
}

export type AuditKind = 'launch' | 'admin';
export type Decision = 'allowed' | 'refused';

/** Append-only: never updated or deleted. */
export interface AuditEvent {
  id: string;
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
  /** Launch events: allowed or refused. Admin events: null. */
  decision: Decision | null;
  /** A reason code (launches) or an action name (admin changes, e.g. `domain.verified`). */
  reason: string;
  requestId: string | null;
  /** Who made an admin change: `operator`, `token:<id>`, `admin:<id>`, `cli`. */
  actor: string | null;
  detail: Record<string, unknown> | null;
}

export type ApiTokenRole = 'operator' | 'org_admin';

export interface ApiToken {
  id: string;
  name: string;
  role: ApiTokenRole;
  /** null for operator tokens. */
  orgId: string | null;
  /** sha256 hex of the token; the token itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type AdminRole = 'operator' | 'org_admin';

/** A person who signs in to the admin console. */
export interface AdminAccount {
  id: string;
  /** Lower-cased. Unique across the deployment. */
  email: string;
  /** Self-describing scrypt hash (`scrypt$N$r$p$salt$hash`); the password itself is never stored. */
  passwordHash: string;
  role: AdminRole;
  /** The one organization an `org_admin` manages; null for operators. */
  orgId: string | null;
  createdAt: Date;
  /** A disabled account cannot sign in, and its open sessions stop working. */
  disabledAt: Date | null;
}

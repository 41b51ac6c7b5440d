/**
 * The one shape every partner adapter hands to provisioning. Partners differ in protocol; after
 * this point nothing downstream knows (or cares) which protocol proved who the user is.
 */

export const PARTNERS = ['canvas', 'clever', 'classlink'] as const;
export type Partner = (typeof PARTNERS)[number];

export const NORMALIZED_ROLES = ['student', 'teacher', 'admin', 'staff'] as const;
export type NormalizedRole = (typeof NORMALIZED_ROLES)[number];

/** Which partner tenant a launch came from. Canvas tenants are (issuer, client id, deployment id). */
export type TenantKey =
  | { partner: 'canvas'; issuer: string; clientId: string; deploymentId: string }
  | { partner: 'clever'; districtId: string }
  | { partner: 'classlink'; tenantId: string };

export interface LaunchContext {
  id?: string;
  label?: string;
  title?: string;
}

export interface LaunchIdentity {
  partner: Partner;
  tenant: TenantKey;
  /** The partner's stable id for this person (Canvas `sub`, Clever user id, ClassLink UserId). */
  subject: string;
  email?: string;
  /** Whether the partner vouches that the person controls the address (Clever says false by default). */
  emailVerified?: boolean;
  givenName?: string;
  familyName?: string;
  displayName?: string;
  roles: NormalizedRole[];
  /** The partner's own role values, kept for audit and for products that want them. */
  rawRoles: string[];
  context?: LaunchContext;
}

/**
 * A canonical string for a tenant key, used as the unique key a store indexes. JSON keeps the parts
 * apart without a delimiter that an issuer or client id could contain.
 */
export function tenantKeyString(key: TenantKey): string {
  switch (key.partner) {
    case 'canvas':
      return JSON.stringify(['canvas', key.issuer, key.clientId, key.deploymentId]);
    case 'clever':
      return JSON.stringify(['clever', key.districtId]);
    case 'classlink':
      return JSON.stringify(['classlink', key.tenantId]);
  }
}

export function describeTenant(key: TenantKey): string {
  switch (key.partner) {
    case 'canvas':
      return `Canvas ${key.issuer} client ${key.clientId} deployment ${key.deploymentId}`;
    case 'clever':
      return `Clever district ${key.districtId}`;
    case 'classlink':
      return `ClassLink tenant ${key.tenantId}`;
  }
}

/** Lower-cases and trims an email; returns undefined for values that are not plausibly an address. */
export function normalizeEmail(raw: string | undefined | null): string | undefined {
  if (raw == null) return undefined;
  const email = raw.trim().toLowerCase();
  if (email.length === 0 || email.length > 254) return undefined;
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1 || email.indexOf('@') !== at) return undefined;
  if (/\s/.test(email)) return undefined;
  return email;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

export function uniqueRoles(roles: Iterable<NormalizedRole>): NormalizedRole[] {
  const seen = new Set(roles);
  return NORMALIZED_ROLES.filter((r) => seen.has(r));
}

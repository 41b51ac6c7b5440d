/**
 * How ClassLink says who the user is: `GET /v2/my/info` returns one flat record with the user's
 * `UserId`, the district's `TenantId`, names, `Email` and one `Role` ("Student", "Teacher",
 * "Tenant Administrator", ...). The id_token from the token endpoint has no tenant id, so this
 * call is the source of truth.
 */
import { z } from 'zod';
import { normalizeEmail, type LaunchIdentity, type NormalizedRole } from '../../src/identity/launch-identity';
import { parseAnswer, text } from '../oauth/answer-shape';
import { OAuthLaunchError, type FailureScope } from '../oauth/errors';
import type { PartnerApi } from '../oauth/oauth-partner';

/** ClassLink ids are numbers in the documentation; accept numeric strings too. */
const Id = z.union([z.number().int().nonnegative(), z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)]);

const InfoAnswer = z.object({
  UserId: Id,
  TenantId: Id,
  Email: z.string().nullish(),
  FirstName: z.string().nullish(),
  LastName: z.string().nullish(),
  DisplayName: z.string().nullish(),
  Role: z.string().nullish(),
});

export type ClassLinkInfo = z.infer<typeof InfoAnswer>;

/** Pure: ClassLink's role name as a normalized role; any other named role is staff. */
export function classlinkRole(role: string): NormalizedRole {
  switch (role.trim().toLowerCase()) {
    case 'student':
      return 'student';
    case 'teacher':
      return 'teacher';
    case 'tenant administrator':
      return 'admin';
    default:
      return 'staff';
  }
}

/** Pure: a `/v2/my/info` record as LaunchGate's identity. */
export function classlinkIdentity(info: ClassLinkInfo): LaunchIdentity {
  const role = text(info.Role);
  return {
    partner: 'classlink',
    tenant: { partner: 'classlink', tenantId: String(info.TenantId) },
    subject: String(info.UserId),
    email: normalizeEmail(info.Email),
    givenName: text(info.FirstName),
    familyName: text(info.LastName),
    displayName: text(info.DisplayName),
    roles: role ? [classlinkRole(role)] : [],
    rawRoles: role ? [role] : [],
  };
}

/** Pure: whatever `/v2/my/info` says of the tenant and user even when the whole answer does not parse. */
export function infoScope(body: unknown): FailureScope {
  if (typeof body !== 'object' || body === null) return {};
  const record = body as Record<string, unknown>;
  const tenantId = Id.safeParse(record.TenantId);
  const userId = Id.safeParse(record.UserId);
  return {
    ...(tenantId.success ? { tenant: { partner: 'classlink' as const, tenantId: String(tenantId.data) } } : {}),
    ...(userId.success ? { subject: String(userId.data) } : {}),
  };
}

export async function fetchClassLinkIdentity(api: PartnerApi, accessToken: string): Promise<LaunchIdentity> {
  const body = await api.getJson('/v2/my/info', accessToken);
  try {
    return classlinkIdentity(parseAnswer(InfoAnswer, body, '/v2/my/info'));
  } catch (err) {
    // An answer that names the tenant but lacks, say, the user id still belongs in the tenant's audit log.
    if (err instanceof OAuthLaunchError) throw err.within(infoScope(body));
    throw err;
  }
}

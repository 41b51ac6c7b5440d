/**
 * How ClassLink says who the user is: `GET /v2/my/info` returns one flat record with the user's
 * `UserId`, the district's `TenantId`, names, `Email` and one `Role` ("Student", "Teacher",
 * "Tenant Administrator", ...). The id_token from the token endpoint has no tenant id, so this
 * call is the source of truth.
 */
import { z } from 'zod';
import { normalizeEmail, type LaunchIdentity, type NormalizedRole } from '../../src/identity/launch-identity';
import { parseAnswer, text } from '../oauth/answer-shape';
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

export async function fetchClassLinkIdentity(api: PartnerApi, accessToken: string): Promise<LaunchIdentity> {
  return classlinkIdentity(parseAnswer(InfoAnswer, await api.getJson('/v2/my/info', accessToken), '/v2/my/info'));
}

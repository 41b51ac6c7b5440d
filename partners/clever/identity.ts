/**
 * How Clever says who the user is: `GET /v3.0/me` names the user, `GET /v3.0/users/{id}` describes
 * them (district, names, optional email, and a `roles` object keyed by role — several at once for a
 * multi-role user). Clever does not verify emails.
 */
import { z } from 'zod';
import { normalizeEmail, uniqueRoles, type LaunchIdentity, type NormalizedRole } from '../../src/identity/launch-identity';
import { parseAnswer, text } from '../oauth/answer-shape';
import { partnerError } from '../oauth/errors';
import type { PartnerApi } from '../oauth/oauth-partner';

const MeAnswer = z.object({
  data: z.object({
    id: z.string().min(1),
    district: z.string().min(1).optional(),
  }),
});

const UserAnswer = z.object({
  data: z.object({
    id: z.string().min(1),
    district: z.string().min(1),
    email: z.string().nullish(),
    name: z
      .object({ first: z.string().nullish(), middle: z.string().nullish(), last: z.string().nullish() })
      .nullish(),
    roles: z.record(z.string(), z.unknown()).nullish(),
  }),
});

export type CleverUser = z.infer<typeof UserAnswer>['data'];

/** Clever role keys we understand; others (e.g. `contact`, a guardian) are kept raw only. */
const ROLE_MAP: Record<string, NormalizedRole> = {
  student: 'student',
  teacher: 'teacher',
  staff: 'staff',
  district_admin: 'admin',
};

/** Pure: a Clever user record as LaunchGate's identity. */
export function cleverIdentity(user: CleverUser): LaunchIdentity {
  const rawRoles = Object.entries(user.roles ?? {})
    .filter(([, detail]) => detail !== null && detail !== undefined)
    .map(([key]) => key)
    .sort();
  const roles = uniqueRoles(rawRoles.flatMap((key) => (ROLE_MAP[key] ? [ROLE_MAP[key]] : [])));
  return {
    partner: 'clever',
    tenant: { partner: 'clever', districtId: user.district },
    subject: user.id,
    email: normalizeEmail(user.email),
    // Clever passes on whatever the district's SIS holds and says so: email_verified is false.
    emailVerified: false,
    givenName: text(user.name?.first),
    familyName: text(user.name?.last),
    roles,
    rawRoles,
  };
}

export async function fetchCleverIdentity(api: PartnerApi, accessToken: string): Promise<LaunchIdentity> {
  const me = parseAnswer(MeAnswer, await api.getJson('/v3.0/me', accessToken), '/v3.0/me');
  const user = parseAnswer(
    UserAnswer,
    await api.getJson(`/v3.0/users/${encodeURIComponent(me.data.id)}`, accessToken),
    '/v3.0/users/{id}',
  ).data;
  if (user.id !== me.data.id) throw partnerError('userinfo_incomplete', '/v3.0/users/{id} describes a different user than /v3.0/me');
  if (me.data.district !== undefined && me.data.district !== user.district) {
    throw partnerError('userinfo_incomplete', '/v3.0/me and /v3.0/users/{id} name different districts');
  }
  return cleverIdentity(user);
}

/**
 * How Clever says who the user is: `GET /v3.0/me` names the user, `GET /v3.0/users/{id}` describes
 * them (district, names, optional email, and a `roles` object keyed by role — several at once for a
 * multi-role user). Clever does not verify emails.
 */
import { z } from 'zod';
import { normalizeEmail, uniqueRoles, type LaunchIdentity, type NormalizedRole } from '../../src/identity/launch-identity';
import { parseAnswer, text } from '../oauth/answer-shape';
import { OAuthLaunchError, partnerError } from '../oauth/errors';
import type { PartnerApi } from '../oauth/oauth-partner';

const MeAnswer = z.object({
  data: z.object({
    id: z.string().min(1),
    district: z.string().min(1).optional(),
  }),
  links: z.array(z.object({ rel: z.string(), uri: z.string() }).passthrough()).optional(),
});

type Me = z.infer<typeof MeAnswer>;

const DISTRICT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const DISTRICT_LINK = /^\/v3\.0\/districts\/([A-Za-z0-9_-]{1,64})$/;

/** Pure: the district `/v3.0/me` names, in `data.district` or its `district` link; undefined if neither. */
export function meDistrict(me: Me): string | undefined {
  if (me.data.district !== undefined) return DISTRICT_ID.test(me.data.district) ? me.data.district : undefined;
  const link = me.links?.find((l) => l.rel === 'district');
  return link ? DISTRICT_LINK.exec(link.uri)?.[1] : undefined;
}

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
  // From here on Clever has said who and where: a failure says so too, for the district's audit log.
  const district = meDistrict(me);
  const scope = { subject: me.data.id, ...(district !== undefined ? { tenant: { partner: 'clever' as const, districtId: district } } : {}) };
  try {
    const user = parseAnswer(
      UserAnswer,
      await api.getJson(`/v3.0/users/${encodeURIComponent(me.data.id)}`, accessToken),
      '/v3.0/users/{id}',
    ).data;
    if (user.id !== me.data.id) throw partnerError('userinfo_incomplete', '/v3.0/users/{id} describes a different user than /v3.0/me');
    const named = me.data.district ?? district;
    if (named !== undefined && named !== user.district) {
      throw partnerError('userinfo_incomplete', '/v3.0/me and /v3.0/users/{id} name different districts');
    }
    return cleverIdentity(user);
  } catch (err) {
    if (err instanceof OAuthLaunchError) throw err.within(scope);
    throw err;
  }
}

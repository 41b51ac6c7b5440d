/**
 * A Clever on 127.0.0.1 for tests, the sandbox demo and benchmarks: `/oauth/authorize` (answers at
 * once for a signed-in user; honours the `district_id` hint), `/oauth/tokens` (HTTP Basic client
 * authentication only; codes live one minute and work once), and the Identity API shapes of
 * `/v3.0/me`, `/v3.0/users/{id}`, `/v3.0/districts/{id}` and `/userinfo`. Portal launches land on
 * the first registered redirect URI with only a `code`, as Clever's do.
 *
 *   const clever = await startCleverSimulator({ clientId, clientSecret });
 *   const district = clever.addDistrict({ name: 'Lincoln Unified' });
 *   const user = clever.addUser({ district: district.id, roles: { student: {} }, email: 'ada@lincoln.k12.example' });
 *   clever.addRedirectUri(`${launchgate}/auth/clever/callback`);
 *   clever.signIn(user.id);            // or: browser.follow(clever.portalLaunchUrl(user.id))
 *   clever.setFaults({ token: 'error_500' });
 */
import { randomBytes } from 'node:crypto';
import { OAuthSimulator, type SimulatorOptions, type SimulatorProfile } from '../oauth/simulator-core';

export type CleverRoleKey = 'student' | 'teacher' | 'staff' | 'district_admin' | 'contact';

export interface CleverSimUser {
  id: string;
  district: string;
  name: { first: string; last: string; middle?: string };
  email?: string;
  /** One entry per role the user holds; the value is the role's detail (school, grade, sis_id...). */
  roles: Partial<Record<CleverRoleKey, Record<string, unknown>>>;
}

export interface CleverDistrict {
  id: string;
  name: string;
}

export type NewCleverUser = Omit<CleverSimUser, 'id' | 'name'> & { id?: string; name?: CleverSimUser['name'] };

/** Clever ids are 24-hex-digit ObjectIds. */
export function cleverObjectId(): string {
  return randomBytes(12).toString('hex');
}

function primaryType(user: CleverSimUser): string {
  const order: CleverRoleKey[] = ['district_admin', 'staff', 'teacher', 'student', 'contact'];
  return order.find((r) => user.roles[r] !== undefined) ?? 'user';
}

function cleverProfile(districts: Map<string, CleverDistrict>): SimulatorProfile<CleverSimUser> {
  return {
    name: 'Clever',
    clientAuth: 'basic',
    paths: { authorize: '/oauth/authorize', token: '/oauth/tokens' },
    codeTtlMs: 60_000,
    requireGrantType: true,
    requireScope: false,
    acceptsUser: (user, params) => {
      const hint = params.get('district_id');
      return hint === null || hint === user.district;
    },
    tokenAnswer: (accessToken) => ({ access_token: accessToken, token_type: 'bearer' }),
    describeUser: (user) => `${user.name.first} ${user.name.last} (${Object.keys(user.roles).join(', ')})`,
    api(path, user, missingFields) {
      if (path === '/v3.0/me') {
        return {
          status: 200,
          body: {
            type: 'user',
            data: { id: user.id, district: user.district, type: 'user', authorized_by: 'district' },
            links: [
              { rel: 'self', uri: '/me' },
              { rel: 'canonical', uri: `/v3.0/users/${user.id}` },
              { rel: 'district', uri: `/v3.0/districts/${user.district}` },
            ],
          },
        };
      }
      const userMatch = /^\/v3\.0\/users\/([^/]+)$/.exec(path);
      if (userMatch) {
        // An SSO token reads only its own user.
        if (decodeURIComponent(userMatch[1]!) !== user.id) return { status: 404, body: { message: 'Resource not found' } };
        const data: Record<string, unknown> = {
          id: user.id,
          district: user.district,
          name: user.name,
          roles: user.roles,
          created: '2024-08-01T00:00:00.000Z',
          last_modified: '2024-08-01T00:00:00.000Z',
        };
        if (user.email !== undefined) data.email = user.email;
        if (missingFields) delete data.district;
        return { status: 200, body: { data, links: [{ rel: 'self', uri: `/v3.0/users/${user.id}` }] } };
      }
      const districtMatch = /^\/v3\.0\/districts\/([^/]+)$/.exec(path);
      if (districtMatch) {
        const district = districts.get(decodeURIComponent(districtMatch[1]!));
        if (district === undefined || district.id !== user.district) return { status: 404, body: { message: 'Resource not found' } };
        return { status: 200, body: { data: { id: district.id, name: district.name }, links: [{ rel: 'self', uri: path }] } };
      }
      if (path === '/userinfo') {
        return {
          status: 200,
          body: {
            sub: user.id,
            user_id: user.id,
            multi_role_user_id: user.id,
            user_type: primaryType(user),
            district_id: user.district,
            district: user.district,
            ...(user.email !== undefined ? { email: user.email } : {}),
            name: { first: user.name.first, last: user.name.last, middle: user.name.middle ?? '' },
            given_name: user.name.first,
            family_name: user.name.last,
            email_verified: false,
            authorized_by: 'district',
          },
        };
      }
      return null;
    },
  };
}

export class CleverSimulator extends OAuthSimulator<CleverSimUser> {
  private readonly districts: Map<string, CleverDistrict>;

  constructor(options: SimulatorOptions, districts = new Map<string, CleverDistrict>()) {
    super(cleverProfile(districts), options);
    this.districts = districts;
  }

  addDistrict(input: { id?: string; name?: string } = {}): CleverDistrict {
    const district = { id: input.id ?? cleverObjectId(), name: input.name ?? '#DEMO District' };
    this.districts.set(district.id, district);
    return district;
  }

  addUser(input: NewCleverUser): CleverSimUser {
    if (!this.districts.has(input.district)) throw new Error(`Clever simulator: unknown district ${input.district}; addDistrict first`);
    return this.putUser({ ...input, id: input.id ?? cleverObjectId(), name: input.name ?? { first: 'Demo', last: 'User' } });
  }

  /** The LaunchGate environment that points at this simulator. */
  env(): Record<string, string> {
    return {
      CLEVER_CLIENT_ID: this.clientId,
      CLEVER_CLIENT_SECRET: this.clientSecret,
      CLEVER_AUTHORIZE_URL: this.authorizeUrl,
      CLEVER_TOKEN_URL: this.tokenUrl,
      CLEVER_API_URL: this.apiUrl,
    };
  }
}

export async function startCleverSimulator(options: SimulatorOptions): Promise<CleverSimulator> {
  return new CleverSimulator(options).start();
}

/**
 * A ClassLink on 127.0.0.1 for tests, the sandbox demo and benchmarks: `/oauth2/v2/auth` (scope
 * required; answers at once for a signed-in user), `/oauth2/v2/token` (client id and secret in the
 * form body only; codes live five minutes and work once; answers with an id_token too) and
 * `/v2/my/info` in the documented shape. LaunchPad tile clicks land on the first registered
 * redirect URI with only a `code`.
 *
 *   const classlink = await startClassLinkSimulator({ clientId, clientSecret });
 *   const user = classlink.addUser({ TenantId: 2, Role: 'Teacher', Email: 'grace@lincoln.k12.example' });
 *   classlink.addRedirectUri(`${launchgate}/auth/classlink/callback`);
 *   classlink.signIn(user.id);
 */
import { OAuthSimulator, type SimulatorOptions, type SimulatorProfile } from '../oauth/simulator-core';

export interface ClassLinkSimUser {
  /** String(UserId): the simulator's key. */
  id: string;
  UserId: number;
  TenantId: number;
  Tenant: string;
  Email: string;
  FirstName: string;
  LastName: string;
  DisplayName: string;
  /** "Student", "Teacher", "Tenant Administrator", or another role name. */
  Role: string;
  LoginId: string;
  SourcedId: string;
  BuildingId: number;
  Building: string;
  StateId: number;
}

export type NewClassLinkUser = Partial<Omit<ClassLinkSimUser, 'id'>> & { TenantId: number };

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const classlinkProfile: SimulatorProfile<ClassLinkSimUser> = {
  name: 'ClassLink',
  clientAuth: 'body',
  paths: { authorize: '/oauth2/v2/auth', token: '/oauth2/v2/token' },
  codeTtlMs: 5 * 60_000,
  requireGrantType: false,
  requireScope: true,
  callbackExtras: { response_type: 'code' },
  tokenAnswer: (accessToken, user, clientId) => {
    const now = Math.floor(Date.now() / 1000);
    // Shaped like ClassLink's id_token but unsigned (alg none): nothing should trust it, and LaunchGate does not read it.
    const idToken = [
      base64url({ alg: 'none', typ: 'JWT' }),
      base64url({
        iss: 'https://launchpad.classlink.com',
        sub: String(user.UserId),
        aud: clientId,
        iat: now,
        exp: now + 3600,
        email: user.Email,
        name: user.DisplayName,
        given_name: user.FirstName,
        family_name: user.LastName,
        profile: user.Role,
      }),
      '',
    ].join('.');
    return { access_token: accessToken, token_type: 'Bearer', response_type: 'code', id_token: idToken };
  },
  describeUser: (user) => `${user.DisplayName} (${user.Role}, tenant ${user.TenantId})`,
  api(path, user, missingFields) {
    if (path !== '/v2/my/info') return null;
    const body: Record<string, unknown> = {
      UserId: user.UserId,
      TenantId: user.TenantId,
      StateId: user.StateId,
      BuildingId: user.BuildingId,
      AuthenticationType: 2,
      DisplayName: user.DisplayName,
      FirstName: user.FirstName,
      LastName: user.LastName,
      Email: user.Email,
      LoginId: user.LoginId,
      ImagePath: '',
      LanguageId: 1,
      Language: 'en',
      DefaultTimeFormat: 0,
      Profile: `${user.Role} Profile`,
      ProfileId: 3280,
      Tenant: user.Tenant,
      Building: user.Building,
      Role: user.Role,
      LastAccessTime: '2024-08-01T00:00:00.000Z',
      OrgId: '',
      SourcedId: user.SourcedId,
    };
    if (missingFields) delete body.TenantId;
    return { status: 200, body };
  },
};

export class ClassLinkSimulator extends OAuthSimulator<ClassLinkSimUser> {
  private nextUserId = 1_516_492;

  constructor(options: SimulatorOptions) {
    super(classlinkProfile, options);
  }

  addUser(input: NewClassLinkUser): ClassLinkSimUser {
    const userId = input.UserId ?? this.nextUserId++;
    const first = input.FirstName ?? 'Demo';
    const last = input.LastName ?? 'User';
    return this.putUser({
      Tenant: 'ClassLink Demo',
      Email: '',
      Role: 'Student',
      LoginId: String(userId),
      SourcedId: String(userId),
      BuildingId: 1,
      Building: 'Demo Building',
      StateId: 2,
      DisplayName: `${first} ${last}`,
      ...input,
      UserId: userId,
      FirstName: first,
      LastName: last,
      id: String(userId),
    });
  }

  /** The LaunchGate environment that points at this simulator. */
  env(): Record<string, string> {
    return {
      CLASSLINK_CLIENT_ID: this.clientId,
      CLASSLINK_CLIENT_SECRET: this.clientSecret,
      CLASSLINK_AUTHORIZE_URL: this.authorizeUrl,
      CLASSLINK_TOKEN_URL: this.tokenUrl,
      CLASSLINK_API_URL: this.apiUrl,
    };
  }
}

export async function startClassLinkSimulator(options: SimulatorOptions): Promise<ClassLinkSimulator> {
  return new ClassLinkSimulator(options).start();
}

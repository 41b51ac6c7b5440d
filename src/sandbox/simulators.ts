/**
 * The three partner simulators the sandbox runs, each on its own loopback port (its own origin, as
 * a real partner is), and how a persona becomes a user each of them knows.
 *
 * They listen on 127.0.0.1. Addresses a browser follows are written with PUBLIC_URL's host name
 * when that is `localhost`, so the simulators and LaunchGate are the same site and the portal and
 * course pages work inside the sandbox's frame in every browser; addresses only LaunchGate calls
 * (token, user info, JWKS) keep 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import type { Partner } from '../identity/launch-identity';
import type { OAuthPartnerConfig } from '../server/config';
import { CanvasSimulator, LIS_ROLES, type SimUser } from '../../partners/canvas/simulator';
import { CleverSimulator, type CleverRoleKey } from '../../partners/clever/simulator';
import { ClassLinkSimulator } from '../../partners/classlink/simulator';
import { displayName, subjectOf, type Persona, type PersonaRole } from './personas';
import {
  CANVAS_CLIENT_ID,
  CANVAS_ISSUER,
  canvasDeploymentId,
  classlinkTenantId,
  cleverDistrictId,
  DISTRICT_KEYS,
  DISTRICTS,
  SANDBOX_ORGANIZATION,
} from './tenants';

const LOOPBACK = '127.0.0.1';

const CANVAS_ROLES: Record<PersonaRole, string[]> = {
  student: [LIS_ROLES.learner, LIS_ROLES.institutionStudent, LIS_ROLES.systemUser],
  teacher: [LIS_ROLES.instructor, LIS_ROLES.institutionInstructor, LIS_ROLES.systemUser],
  admin: [LIS_ROLES.institutionAdmin, LIS_ROLES.systemUser],
  staff: [LIS_ROLES.institutionStaff, LIS_ROLES.systemUser],
};

const CLEVER_ROLES: Record<PersonaRole, CleverRoleKey> = { student: 'student', teacher: 'teacher', admin: 'district_admin', staff: 'staff' };
const CLASSLINK_ROLES: Record<PersonaRole, string> = { student: 'Student', teacher: 'Teacher', admin: 'Tenant Administrator', staff: 'Staff' };

export interface SimulatorsOptions {
  /** LaunchGate's public origin: where the simulators send browsers back to. */
  publicUrl: URL;
  /** False when a real Clever (or ClassLink) app is configured: the sandbox leaves that partner alone. */
  clever: boolean;
  classlink: boolean;
  /** The name on the portals' app tile. */
  appName: string;
  now?: () => Date;
}

export interface CanvasEndpoints {
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
}

function secret(): string {
  return randomBytes(24).toString('base64url');
}

export class SandboxSimulators {
  private constructor(
    private readonly publicUrl: URL,
    readonly canvas: CanvasSimulator,
    readonly clever: CleverSimulator | null,
    readonly classlink: ClassLinkSimulator | null,
  ) {}

  static async start(options: SimulatorsOptions): Promise<SandboxSimulators> {
    const callback = (partner: string) => new URL(`/auth/${partner}/callback`, options.publicUrl).toString();
    const started: Array<{ close(): Promise<void> } | { stop(): Promise<void> }> = [];
    try {
      const canvas = await CanvasSimulator.start({
        host: LOOPBACK,
        issuer: CANVAS_ISSUER,
        clientId: CANVAS_CLIENT_ID,
        deploymentId: canvasDeploymentId('lincoln'),
        accountName: SANDBOX_ORGANIZATION,
        now: options.now,
      });
      started.push(canvas);
      let clever: CleverSimulator | null = null;
      if (options.clever) {
        clever = await new CleverSimulator({
          clientId: `sandbox-clever-${randomBytes(6).toString('hex')}`,
          clientSecret: secret(),
          redirectUris: [callback('clever')],
          host: LOOPBACK,
          appName: options.appName,
          now: options.now,
        }).start();
        started.push(clever);
        for (const key of DISTRICT_KEYS) clever.addDistrict({ id: cleverDistrictId(key), name: DISTRICTS[key].name });
      }
      let classlink: ClassLinkSimulator | null = null;
      if (options.classlink) {
        classlink = await new ClassLinkSimulator({
          clientId: `sandbox-classlink-${randomBytes(6).toString('hex')}`,
          clientSecret: secret(),
          redirectUris: [callback('classlink')],
          host: LOOPBACK,
          appName: options.appName,
          now: options.now,
        }).start();
        started.push(classlink);
      }
      return new SandboxSimulators(options.publicUrl, canvas, clever, classlink);
    } catch (err) {
      for (const sim of started) await ('close' in sim ? sim.close() : sim.stop());
      throw err;
    }
  }

  /** Rewrites a simulator address for the browser (see the module comment). */
  browserUrl(url: string): string {
    if (this.publicUrl.hostname !== 'localhost') return url;
    const u = new URL(url);
    if (u.hostname === LOOPBACK) u.hostname = 'localhost';
    return u.toString();
  }

  /** Each simulated partner's origin as a browser sees it. */
  originsByPartner(): Array<{ partner: Partner; origin: string }> {
    const running: Array<[Partner, string | undefined]> = [
      ['canvas', this.canvas.baseUrl],
      ['clever', this.clever?.baseUrl],
      ['classlink', this.classlink?.baseUrl],
    ];
    return running.flatMap(([partner, base]) => (base === undefined ? [] : [{ partner, origin: new URL(this.browserUrl(base)).origin }]));
  }

  /** The simulators' origins as a browser sees them (the sandbox page frames them). */
  origins(): string[] {
    return this.originsByPartner().map((o) => o.origin);
  }

  simulates(partner: Partner): boolean {
    return partner === 'canvas' || (partner === 'clever' ? this.clever !== null : this.classlink !== null);
  }

  /** What LaunchGate's Canvas connections point at. */
  canvasEndpoints(): CanvasEndpoints {
    return { authEndpoint: this.browserUrl(this.canvas.authEndpoint), tokenEndpoint: this.canvas.tokenEndpoint, jwksUrl: this.canvas.jwksUrl };
  }

  /** LaunchGate's configuration for a simulated OAuth partner (null when that partner is not simulated). */
  oauthConfig(partner: 'clever' | 'classlink'): OAuthPartnerConfig | null {
    const sim = partner === 'clever' ? this.clever : this.classlink;
    if (sim === null) return null;
    return { clientId: sim.clientId, clientSecret: sim.clientSecret, authorizeUrl: this.browserUrl(sim.authorizeUrl), tokenUrl: sim.tokenUrl, apiUrl: sim.apiUrl };
  }

  /** Makes sure the partner knows the persona (again: names and roles may have been retyped); returns their id there. */
  enroll(partner: Partner, persona: Persona): string {
    const subject = subjectOf(partner, persona);
    const district = DISTRICTS[persona.district];
    if (partner === 'clever' && this.clever !== null) {
      this.clever.addUser({
        id: subject,
        district: cleverDistrictId(persona.district),
        name: { first: persona.givenName, last: persona.familyName },
        ...(persona.email !== null ? { email: persona.email } : {}),
        roles: { [CLEVER_ROLES[persona.role]]: { school: `${persona.district}-high` } },
      });
    } else if (partner === 'classlink' && this.classlink !== null) {
      this.classlink.addUser({
        UserId: Number(subject),
        TenantId: classlinkTenantId(persona.district),
        Tenant: district.name,
        Email: persona.email ?? '',
        FirstName: persona.givenName,
        LastName: persona.familyName,
        DisplayName: displayName(persona),
        Role: CLASSLINK_ROLES[persona.role],
      });
    }
    return subject;
  }

  /** A course page of the simulated Canvas that launches LaunchGate in its frame, as this persona. */
  coursePage(persona: Persona): string {
    const user: SimUser = {
      sub: subjectOf('canvas', persona),
      email: persona.email,
      givenName: persona.givenName,
      ...(persona.familyName !== '' ? { familyName: persona.familyName } : {}),
      name: displayName(persona),
      roles: CANVAS_ROLES[persona.role],
    };
    const url = this.canvas.coursePageUrl(this.publicUrl.origin, {
      user,
      deploymentId: canvasDeploymentId(persona.district),
      // Canvas offers LTI platform storage; LaunchGate uses it where the browser keeps no cookie.
      storageTarget: 'post_message_forwarding',
    });
    return this.browserUrl(url);
  }

  /** The partner's portal, signed in as the persona, with the app's tile (a portal launch: code, no state). */
  portalHome(partner: 'clever' | 'classlink', persona: Persona): string {
    const sim = this.oauthSim(partner);
    return this.browserUrl(sim.portalHomeUrl(this.enroll(partner, persona)));
  }

  /** Signed in at the partner as the persona, the browser clicks the app's "Log in with …" (state and all). */
  logInWith(partner: 'clever' | 'classlink', persona: Persona): string {
    const sim = this.oauthSim(partner);
    const start = new URL(`/auth/${partner}`, this.publicUrl);
    // Clever's "Log in with Clever" links name the district so Clever can skip its district picker.
    if (partner === 'clever') start.searchParams.set('district_id', cleverDistrictId(persona.district));
    return this.browserUrl(sim.signInUrl(this.enroll(partner, persona), start.toString()));
  }

  async close(): Promise<void> {
    await Promise.all([this.canvas.close(), this.clever?.stop(), this.classlink?.stop()]);
  }

  private oauthSim(partner: 'clever' | 'classlink'): CleverSimulator | ClassLinkSimulator {
    const sim = partner === 'clever' ? this.clever : this.classlink;
    if (sim === null) throw new Error(`the sandbox does not simulate ${partner} (a real app is configured)`);
    return sim;
  }
}

/**
 * From a verified Canvas launch to a LaunchIdentity: LIS role URIs to normalized roles, names and
 * email from the OIDC claims, the course from the context claim. Pure.
 */
import { uniqueRoles, type LaunchContext, type LaunchIdentity, type NormalizedRole } from '../../src/identity/launch-identity';
import { LTI, objectClaim, stringClaim, type VerifiedLaunch } from './claims';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

/** Context (course) roles, including sub-roles such as `membership/Instructor#TeachingAssistant`. */
const CONTEXT_ROLES: Record<string, NormalizedRole> = {
  Learner: 'student',
  Instructor: 'teacher',
  ContentDeveloper: 'teacher',
  Administrator: 'admin',
};

const INSTITUTION_ROLES: Record<string, NormalizedRole> = {
  Student: 'student',
  Learner: 'student',
  Instructor: 'teacher',
  Faculty: 'teacher',
  Administrator: 'admin',
  Staff: 'staff',
  Employee: 'staff',
};

const SYSTEM_ROLES: Record<string, NormalizedRole> = {
  SysAdmin: 'admin',
  Administrator: 'admin',
};

/** One LIS role URI (or a deprecated short context role name) to a normalized role, if it maps to one. */
export function normalizeCanvasRole(role: string): NormalizedRole | undefined {
  if (!role.startsWith('http')) return CONTEXT_ROLES[role];
  if (!role.startsWith(LIS)) return undefined;
  const rest = role.slice(LIS.length);
  const hash = rest.indexOf('#');
  if (hash < 0) return undefined;
  const vocabulary = rest.slice(0, hash);
  const name = rest.slice(hash + 1);
  if (vocabulary === 'membership') return CONTEXT_ROLES[name];
  // Sub-roles name their principal role in the path: membership/Learner#...
  if (vocabulary.startsWith('membership/')) return CONTEXT_ROLES[vocabulary.slice('membership/'.length)];
  if (vocabulary === 'institution/person') return INSTITUTION_ROLES[name];
  if (vocabulary === 'system/person') return SYSTEM_ROLES[name];
  return undefined;
}

export function normalizeCanvasRoles(raw: readonly string[]): NormalizedRole[] {
  return uniqueRoles(raw.map(normalizeCanvasRole).filter((r): r is NormalizedRole => r !== undefined));
}

/** Canvas sends a variable it could not expand literally (`$Person.email.primary`): that is no value. */
export function presentValue(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.startsWith('$')) return undefined;
  return trimmed;
}

export function customValue(launch: VerifiedLaunch, name: string): string | undefined {
  return presentValue(objectClaim(launch.payload, LTI.custom)?.[name]);
}

function contextOf(launch: VerifiedLaunch): LaunchContext | undefined {
  const context = objectClaim(launch.payload, LTI.context);
  if (!context) return undefined;
  const result: LaunchContext = {};
  const id = presentValue(context.id);
  const label = presentValue(context.label);
  const title = presentValue(context.title);
  if (id) result.id = id;
  if (label) result.label = label;
  if (title) result.title = title;
  return Object.keys(result).length > 0 ? result : undefined;
}

export function canvasIdentity(launch: VerifiedLaunch): LaunchIdentity {
  const { payload } = launch;
  const rawRoles = (payload[LTI.roles] as string[]).slice(0, 100);
  const identity: LaunchIdentity = {
    partner: 'canvas',
    tenant: { partner: 'canvas', issuer: launch.issuer, clientId: launch.clientId, deploymentId: launch.deploymentId },
    subject: launch.subject,
    roles: normalizeCanvasRoles(rawRoles),
    rawRoles,
  };
  // The developer key also asks for $Person.email.primary as a custom field: the claim wins; the
  // custom value counts only when Canvas expanded it.
  const email = presentValue(stringClaim(payload, 'email')) ?? customValue(launch, 'launchgate_email');
  if (email) identity.email = email;
  const givenName = presentValue(payload.given_name);
  const familyName = presentValue(payload.family_name);
  const displayName = presentValue(payload.name);
  if (givenName) identity.givenName = givenName;
  if (familyName) identity.familyName = familyName;
  if (displayName) identity.displayName = displayName;
  const context = contextOf(launch);
  if (context) identity.context = context;
  return identity;
}

/**
 * Who can launch in the sandbox: fixed personas that each show one outcome, and "type your own".
 * A persona is a person of a district; each partner knows them under its own id (derived, so the
 * same persona is the same user after a restart). Pure.
 */
import type { NormalizedRole, Partner } from '../identity/launch-identity';
import { digest, DISTRICTS, isDistrictKey, type DistrictKey } from './tenants';

export const PERSONA_ROLES = ['student', 'teacher', 'admin', 'staff'] as const satisfies readonly NormalizedRole[];
export type PersonaRole = (typeof PERSONA_ROLES)[number];

export interface Persona {
  /** `student`, `teacher`, ... for the fixed ones; `custom-<hash>` for typed ones. */
  key: string;
  givenName: string;
  familyName: string;
  email: string | null;
  role: PersonaRole;
  district: DistrictKey;
  custom: boolean;
  /** One line for the picker. */
  summary: string;
  /** The reason code of the persona's first launch, for the picker (typed personas: null). */
  expected: string | null;
}

function fixed(
  key: string,
  givenName: string,
  familyName: string,
  email: string | null,
  role: PersonaRole,
  district: DistrictKey,
  summary: string,
  expected: string,
): Persona {
  return { key, givenName, familyName, email, role, district, custom: false, summary, expected };
}

const lincoln = DISTRICTS.lincoln.domain;

export const PERSONAS: readonly Persona[] = [
  fixed('student', 'Ada', 'Lovelace', `ada.lovelace@${lincoln}`, 'student', 'lincoln', 'A student of Lincoln Unified (JIT on)', 'user_created'),
  fixed('teacher', 'Grace', 'Hopper', `grace.hopper@${lincoln}`, 'teacher', 'lincoln', 'A teacher of Lincoln Unified', 'user_created'),
  fixed('admin', 'Margaret', 'Hamilton', `margaret.hamilton@${lincoln}`, 'admin', 'lincoln', 'A district administrator of Lincoln Unified', 'user_created'),
  fixed('unclaimed-domain', 'Sam', 'Rivera', 'sam.rivera@homemail.example', 'student', 'lincoln', 'A Lincoln student signed in with a personal address (domain not claimed)', 'domain_not_claimed'),
  fixed('no-email', 'Alex', 'Kim', null, 'student', 'lincoln', 'A Lincoln student whose portal shares no email', 'email_missing'),
  fixed('jit-off', 'Katherine', 'Johnson', `katherine.johnson@${DISTRICTS.roosevelt.domain}`, 'student', 'roosevelt', 'A student of Roosevelt Charter, whose directory has JIT off', 'jit_disabled'),
  fixed('unlinked-district', 'Jordan', 'Lee', `jordan.lee@${DISTRICTS.jefferson.domain}`, 'student', 'jefferson', 'A student of Jefferson County, a district nobody linked', 'connection_not_linked'),
];

export function findPersona(key: string): Persona | undefined {
  return PERSONAS.find((p) => p.key === key);
}

/** What the "type your own" form sent, before checking. */
export interface CustomPersonaInput {
  name?: unknown;
  email?: unknown;
  role?: unknown;
  district?: unknown;
}

export interface FieldProblem {
  field: 'partner' | 'persona' | 'name' | 'email' | 'role' | 'district';
  message: string;
}

function hasControl(value: string): boolean {
  return [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}
export const MAX_NAME = 80;
export const MAX_EMAIL = 254;

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * Checks a typed persona. The email is passed on as typed (LaunchGate decides what it makes of it);
 * only its length and control characters are limited, since the simulators put it in HTTP answers.
 */
export function parseCustomPersona(input: CustomPersonaInput): { persona: Persona } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const name = text(input.name);
  const email = text(input.email);
  const role = text(input.role);
  const district = text(input.district) || 'lincoln';
  if (name === '') problems.push({ field: 'name', message: 'Type a name.' });
  else if ([...name].length > MAX_NAME || hasControl(name)) problems.push({ field: 'name', message: `The name must be at most ${MAX_NAME} characters, on one line.` });
  if ([...email].length > MAX_EMAIL || hasControl(email)) problems.push({ field: 'email', message: `The email must be at most ${MAX_EMAIL} characters, on one line.` });
  if (!(PERSONA_ROLES as readonly string[]).includes(role)) problems.push({ field: 'role', message: 'Pick a role.' });
  if (!isDistrictKey(district)) problems.push({ field: 'district', message: 'Pick a district.' });
  if (problems.length > 0) return { problems };

  const space = name.indexOf(' ');
  const givenName = space < 0 ? name : name.slice(0, space);
  const familyName = space < 0 ? '' : name.slice(space + 1).trim();
  const d = district as DistrictKey;
  // The same typed address (or, without one, the same name) in a district is the same person again.
  const identity = email !== '' ? email.toLowerCase() : `name:${name}`;
  return {
    persona: {
      key: `custom-${digest('custom', d, identity).slice(0, 16)}`,
      givenName,
      familyName,
      email: email === '' ? null : email,
      role: role as PersonaRole,
      district: d,
      custom: true,
      summary: `Typed: ${name}`,
      expected: null,
    },
  };
}

export function displayName(persona: Persona): string {
  return [persona.givenName, persona.familyName].filter((s) => s !== '').join(' ');
}

/** The partner's own id for the persona: Canvas `sub` (a UUID), a Clever ObjectId, a ClassLink UserId. */
export function subjectOf(partner: Partner, persona: Persona): string {
  const hex = digest('subject', partner, persona.district, persona.key);
  switch (partner) {
    case 'canvas':
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    case 'clever':
      return hex.slice(0, 24);
    case 'classlink':
      return String(2_000_000 + (parseInt(hex.slice(0, 8), 16) % 90_000_000));
  }
}

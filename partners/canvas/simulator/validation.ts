/**
 * What Canvas requires of a tool, as the simulated Canvas checks it: the developer key JSON
 * ("Paste JSON", doc/api/lti_dev_key_config.md) and the dynamic registration request
 * (Schemas::Lti::IMS::OidcRegistration and LtiToolConfiguration in canvas-lms, and
 * Lti::IMS::Registration's `scopes_are_valid`). Each returns the list of problems, empty when
 * Canvas would accept the document.
 *
 * ltijs's default registration request is refused here as Canvas refuses it: it asks for every
 * grade and roster scope whether or not the platform offers them.
 */

const PLACEMENTS = new Set([
  'account_navigation',
  'assignment_selection',
  'course_navigation',
  'editor_button',
  'global_navigation',
  'link_selection',
  'module_menu',
  'user_navigation',
  'course_home_sub_navigation',
  'course_settings_sub_navigation',
  'homework_submission',
]);
const MESSAGE_TYPES = new Set(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']);
const PRIVACY_LEVELS = new Set(['public', 'name_only', 'email_only', 'anonymous']);
const DOMAIN = /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(:[0-9]{1,5})?$/;

/** Canvas's documented LTI service scopes (TokenScopes::LTI_SCOPES), for a platform that names none. */
export const CANVAS_LTI_SCOPES: readonly string[] = [
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
];

/** What the platform offers, from its openid configuration. */
export interface PlatformOffer {
  /** `scopes_supported`: a registration asking for any other scope is refused. */
  scopesSupported?: readonly string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUri(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function placementName(value: string): string {
  return value.replace(/^https:\/\/canvas\.instructure\.com\/lti\//, '');
}

export function validateDeveloperKeyJson(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ['the configuration is not a JSON object'];
  for (const name of ['title', 'description'] as const) {
    if (typeof doc[name] !== 'string' || doc[name] === '') problems.push(`${name} is required`);
  }
  for (const name of ['oidc_initiation_url', 'target_link_uri'] as const) {
    if (!isUri(doc[name])) problems.push(`${name} must be a URL`);
  }
  if (doc.public_jwk === undefined && !isUri(doc.public_jwk_url)) problems.push('public_jwk or public_jwk_url is required');
  if (doc.scopes !== undefined && !(Array.isArray(doc.scopes) && doc.scopes.every((s) => typeof s === 'string'))) problems.push('scopes must be a list of strings');
  if (doc.custom_fields !== undefined && !(isObject(doc.custom_fields) && Object.values(doc.custom_fields).every((v) => typeof v === 'string'))) {
    problems.push('custom_fields values must be strings');
  }
  const extensions = doc.extensions;
  if (!Array.isArray(extensions) || extensions.length === 0) {
    problems.push('extensions must list the Canvas extension');
    return problems;
  }
  const canvas = extensions.find((e) => isObject(e) && e.platform === 'canvas.instructure.com');
  if (!isObject(canvas)) {
    problems.push('extensions needs an entry with platform "canvas.instructure.com"');
    return problems;
  }
  if (typeof canvas.privacy_level !== 'string' || !PRIVACY_LEVELS.has(canvas.privacy_level)) problems.push('privacy_level is required');
  if (canvas.domain !== undefined && (typeof canvas.domain !== 'string' || !DOMAIN.test(canvas.domain))) problems.push('domain must be a host name');
  const settings = canvas.settings;
  if (!isObject(settings) || !Array.isArray(settings.placements)) {
    problems.push('settings.placements is required');
    return problems;
  }
  settings.placements.forEach((p: unknown, i: number) => {
    if (!isObject(p)) {
      problems.push(`placements[${i}] is not an object`);
      return;
    }
    if (typeof p.placement !== 'string' || !PLACEMENTS.has(placementName(p.placement))) problems.push(`placements[${i}].placement is not a Canvas placement`);
    if (p.message_type !== undefined && (typeof p.message_type !== 'string' || !MESSAGE_TYPES.has(p.message_type))) {
      problems.push(`placements[${i}].message_type is not an LTI message type`);
    }
    if (p.target_link_uri !== undefined && !isUri(p.target_link_uri)) problems.push(`placements[${i}].target_link_uri must be a URL`);
    if (p.icon_url !== undefined && !isUri(p.icon_url)) problems.push(`placements[${i}].icon_url must be a URL`);
  });
  if (settings.icon_url !== undefined && !isUri(settings.icon_url)) problems.push('settings.icon_url must be a URL');
  return problems;
}

export function validateRegistrationRequest(doc: unknown, platform: PlatformOffer = {}): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ['the registration is not a JSON object'];
  if (doc.application_type !== 'web') problems.push('application_type must be "web"');
  const grants = doc.grant_types;
  if (!Array.isArray(grants) || !grants.includes('client_credentials') || !grants.includes('implicit')) {
    problems.push('grant_types must contain client_credentials and implicit');
  }
  if (!Array.isArray(doc.response_types) || !doc.response_types.includes('id_token')) problems.push('response_types must contain id_token');
  if (!Array.isArray(doc.redirect_uris) || doc.redirect_uris.length === 0 || !doc.redirect_uris.every(isUri)) {
    problems.push('redirect_uris must list at least one URL');
  }
  if (!isUri(doc.initiate_login_uri)) problems.push('initiate_login_uri must be a URL');
  if (typeof doc.client_name !== 'string' || doc.client_name === '') problems.push('client_name is required');
  if (!isUri(doc.jwks_uri)) problems.push('jwks_uri must be a URL');
  if (doc.token_endpoint_auth_method !== 'private_key_jwt') problems.push('token_endpoint_auth_method must be private_key_jwt');
  if (doc.scope !== undefined && doc.scope !== null && typeof doc.scope !== 'string') problems.push('scope must be a string');
  if (typeof doc.scope === 'string') {
    // Canvas splits the scope string and ignores `openid`; every other scope must be one it offers.
    const supported = new Set(platform.scopesSupported ?? CANVAS_LTI_SCOPES);
    const invalid = doc.scope.split(/\s+/).filter((s) => s !== '' && s !== 'openid' && !supported.has(s));
    if (invalid.length > 0) problems.push(`Invalid scopes: ${invalid.join(', ')}`);
  }
  for (const name of ['logo_uri', 'client_uri'] as const) {
    if (doc[name] !== undefined && doc[name] !== null && !isUri(doc[name])) problems.push(`${name} must be a URL`);
  }
  const tool = doc['https://purl.imsglobal.org/spec/lti-tool-configuration'];
  if (!isObject(tool)) {
    problems.push('the lti-tool-configuration object is required');
    return problems;
  }
  if (typeof tool.domain !== 'string' || !DOMAIN.test(tool.domain)) problems.push('tool configuration domain must be a host name (no protocol)');
  // The schema lets it be null, but the developer key Canvas builds from the registration takes its
  // launch URL from it, and a developer key without one is refused.
  if (!isUri(tool.target_link_uri)) problems.push('tool configuration target_link_uri must be a URL');
  if (!Array.isArray(tool.claims) || !tool.claims.every((c) => typeof c === 'string')) problems.push('tool configuration claims must be a list of strings');
  if (tool.custom_parameters !== undefined && !(isObject(tool.custom_parameters) && Object.values(tool.custom_parameters).every((v) => typeof v === 'string'))) {
    problems.push('custom_parameters values must be strings');
  }
  const privacy = tool['https://canvas.instructure.com/lti/privacy_level'];
  if (privacy !== undefined && privacy !== null && (typeof privacy !== 'string' || !PRIVACY_LEVELS.has(privacy))) problems.push('privacy_level is not a Canvas privacy level');
  if (!Array.isArray(tool.messages)) {
    problems.push('tool configuration messages are required');
    return problems;
  }
  tool.messages.forEach((m: unknown, i: number) => {
    if (!isObject(m)) {
      problems.push(`messages[${i}] is not an object`);
      return;
    }
    if (typeof m.type !== 'string' || !MESSAGE_TYPES.has(m.type)) problems.push(`messages[${i}].type is not an LTI message type`);
    if (m.target_link_uri !== undefined && m.target_link_uri !== null && !isUri(m.target_link_uri)) problems.push(`messages[${i}].target_link_uri must be a URL`);
    if (m.icon_uri !== undefined && m.icon_uri !== null && !isUri(m.icon_uri)) problems.push(`messages[${i}].icon_uri must be a URL`);
    if (m.placements !== undefined && !(Array.isArray(m.placements) && m.placements.every((p) => typeof p === 'string' && PLACEMENTS.has(placementName(p))))) {
      problems.push(`messages[${i}].placements lists something that is not a Canvas placement`);
    }
  });
  return problems;
}

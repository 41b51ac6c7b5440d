/**
 * The Canvas developer key configuration ("Paste JSON" / "Enter URL"), built from PUBLIC_URL, and
 * the tool configuration LaunchGate sends at dynamic registration. Both ask for what a
 * LaunchGate launch needs and nothing more: a resource link launch from course and account
 * navigation, with `privacy_level: public` so that email and names arrive, and no service scopes.
 */

export interface ToolDescription {
  publicUrl: URL;
  title: string;
  description: string;
}

export const CANVAS_PLACEMENTS = ['course_navigation', 'account_navigation'] as const;

/** Asked for as a custom field so an email still arrives where a platform strips the email claim. */
export const EMAIL_CUSTOM_FIELD = { launchgate_email: '$Person.email.primary' } as const;

export function toolUrls(publicUrl: URL) {
  const at = (p: string) => new URL(p, publicUrl).toString();
  return {
    login: at('/lti/login'),
    launch: at('/lti/launch'),
    keys: at('/lti/keys'),
    icon: at('/lti/icon.svg'),
    register: at('/lti/register'),
    domain: publicUrl.host,
  };
}

export interface CanvasDeveloperKeyJson {
  title: string;
  description: string;
  oidc_initiation_url: string;
  target_link_uri: string;
  public_jwk_url: string;
  scopes: string[];
  custom_fields: Record<string, string>;
  extensions: Array<{
    platform: 'canvas.instructure.com';
    domain: string;
    tool_id: string;
    privacy_level: 'public';
    settings: {
      text: string;
      icon_url: string;
      placements: Array<{
        placement: string;
        message_type: 'LtiResourceLinkRequest';
        target_link_uri: string;
        text: string;
        icon_url: string;
      }>;
    };
  }>;
}

export function developerKeyJson(tool: ToolDescription): CanvasDeveloperKeyJson {
  const urls = toolUrls(tool.publicUrl);
  return {
    title: tool.title,
    description: tool.description,
    oidc_initiation_url: urls.login,
    target_link_uri: urls.launch,
    public_jwk_url: urls.keys,
    scopes: [],
    custom_fields: { ...EMAIL_CUSTOM_FIELD },
    extensions: [
      {
        platform: 'canvas.instructure.com',
        domain: urls.domain,
        tool_id: 'launchgate',
        privacy_level: 'public',
        settings: {
          text: tool.title,
          icon_url: urls.icon,
          placements: CANVAS_PLACEMENTS.map((placement) => ({
            placement,
            message_type: 'LtiResourceLinkRequest' as const,
            target_link_uri: urls.launch,
            text: tool.title,
            icon_url: urls.icon,
          })),
        },
      },
    ],
  };
}

/**
 * The registration request LaunchGate sends in dynamic registration, as overrides of ltijs's
 * default request (ltijs deep-merges objects and replaces arrays). Matches Canvas's schemas
 * (Schemas::Lti::IMS::OidcRegistration and LtiToolConfiguration).
 */
export function registrationOverrides(tool: ToolDescription): Record<string, unknown> {
  const urls = toolUrls(tool.publicUrl);
  return {
    application_type: 'web',
    client_name: tool.title,
    grant_types: ['client_credentials', 'implicit'],
    response_types: ['id_token'],
    initiate_login_uri: urls.login,
    redirect_uris: [urls.launch],
    jwks_uri: urls.keys,
    logo_uri: urls.icon,
    token_endpoint_auth_method: 'private_key_jwt',
    // LaunchGate calls no LTI service, so it asks for no scope.
    scope: '',
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: urls.domain,
      description: tool.description,
      target_link_uri: urls.launch,
      custom_parameters: { ...EMAIL_CUSTOM_FIELD },
      claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
      messages: [
        {
          type: 'LtiResourceLinkRequest',
          target_link_uri: urls.launch,
          label: tool.title,
          icon_uri: urls.icon,
          placements: [...CANVAS_PLACEMENTS],
        },
      ],
      'https://canvas.instructure.com/lti/privacy_level': 'public',
      'https://canvas.instructure.com/lti/tool_id': 'launchgate',
    },
  };
}

export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="LaunchGate">
<rect width="64" height="64" rx="14" fill="#1d4ed8"/>
<path d="M18 46V18h8v21h20v7z" fill="#fff"/>
<circle cx="44" cy="24" r="6" fill="#93c5fd"/>
</svg>`;

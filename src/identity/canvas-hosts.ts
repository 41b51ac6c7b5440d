/**
 * Where Instructure-hosted Canvas signs its launches, by issuer. Shared by the Canvas adapter
 * (which pins a dynamic registration's endpoints to these) and the admin services (which fill in a
 * manually linked connection's endpoints from them), so the two can never disagree. Pure.
 */

/** One issuer per hosted environment; each environment has its own SSO host and its own keys. */
export const HOSTED_CANVAS_SSO: Readonly<Record<string, string>> = {
  'https://canvas.instructure.com': 'https://sso.canvaslms.com',
  'https://canvas.beta.instructure.com': 'https://sso.beta.canvaslms.com',
  'https://canvas.test.instructure.com': 'https://sso.test.canvaslms.com',
};

export interface CanvasEndpoints {
  authEndpoint: string;
  tokenEndpoint: string;
  jwksUrl: string;
}

/** The SSO origin of a hosted Canvas issuer (its origin with no path), or null for any other issuer. */
export function hostedCanvasSso(issuer: URL): string | null {
  if (issuer.pathname !== '/') return null;
  return HOSTED_CANVAS_SSO[issuer.origin] ?? null;
}

/**
 * The endpoints a Canvas connection uses when the admin names none. Hosted Canvas: the
 * environment's SSO host for login and keys (a beta issuer must never be verified with production
 * keys), the token endpoint on the issuer's host. Self-hosted Canvas serves all three from its own
 * origin, at Canvas's standard paths.
 */
export function defaultCanvasEndpoints(issuer: URL): CanvasEndpoints {
  const sso = hostedCanvasSso(issuer) ?? issuer.origin;
  return {
    authEndpoint: `${sso}/api/lti/authorize_redirect`,
    tokenEndpoint: `${issuer.origin}/login/oauth2/token`,
    jwksUrl: `${sso}/api/lti/security/jwks`,
  };
}

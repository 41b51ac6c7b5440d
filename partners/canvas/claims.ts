/** The LTI 1.3 claim names LaunchGate reads, and the shape of an id_token payload as it arrives. */

export const LTI = {
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  context: 'https://purl.imsglobal.org/spec/lti/claim/context',
  toolPlatform: 'https://purl.imsglobal.org/spec/lti/claim/tool_platform',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
} as const;

/** A decoded id_token payload before any check: every field is untrusted and may be any JSON. */
export type IdTokenPayload = Record<string, unknown>;

/** What the checks proved about a payload: the fields downstream code may rely on. */
export interface VerifiedLaunch {
  issuer: string;
  clientId: string;
  deploymentId: string;
  subject: string;
  nonce: string;
  messageType: string;
  payload: IdTokenPayload;
}

export function stringClaim(payload: IdTokenPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function objectClaim(payload: IdTokenPayload, name: string): Record<string, unknown> | undefined {
  const value = payload[name];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

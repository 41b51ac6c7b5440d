/**
 * The Clever adapter: OAuth 2.0 code flow with HTTP Basic client authentication, no scope
 * parameter (Clever takes scopes from the app's settings), an optional `district_id` hint on the
 * start route, and the identity from `/v3.0/me` + `/v3.0/users/{id}`. One Clever app serves every
 * district; the district id names the tenant.
 */
import { OAUTH_DEFAULTS, type OAuthPartnerConfig } from '../../src/server/config';
import type { PartnerModule } from '../../src/server/partner-module';
import { oauthPartnerModule, StartParamError, type OAuthPartnerDefinition, type OAuthPartnerDeps } from '../oauth/oauth-partner';
import { fetchCleverIdentity } from './identity';

export interface CleverDeps extends OAuthPartnerDeps {
  /** Clever does not document PKCE, so it is off unless turned on here (CLEVER_PKCE). */
  pkce?: boolean;
}

const DISTRICT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function cleverDefinition(deps: CleverDeps = {}): OAuthPartnerDefinition {
  return {
    partner: 'clever',
    displayName: 'Clever',
    envPrefix: 'CLEVER',
    clientAuth: 'basic',
    pkce: deps.pkce ?? OAUTH_DEFAULTS.cleverPkce,
    startParams(query): Record<string, string> {
      const hint = query.district_id;
      if (hint === undefined || hint === '') return {};
      if (typeof hint !== 'string' || !DISTRICT_ID.test(hint)) {
        throw new StartParamError('district_id', 'The district_id in this link is not a Clever district id.');
      }
      // Clever uses the hint to skip its district picker (the same parameter as Instant Login links).
      return { district_id: hint };
    },
    tenantHint: (params) => (params.district_id !== undefined ? { partner: 'clever', districtId: params.district_id } : undefined),
    fetchIdentity: fetchCleverIdentity,
  };
}

export function cleverPartner(config: OAuthPartnerConfig | null, deps: CleverDeps = {}): PartnerModule {
  return oauthPartnerModule(cleverDefinition(deps), config, deps);
}

/**
 * The ClassLink adapter: OAuth 2.0 code flow with the client id and secret in the form body, scope
 * `profile` (what `/v2/my/info` needs), and the identity from `/v2/my/info`. One ClassLink app
 * serves many districts; `TenantId` names the tenant.
 */
import { OAUTH_DEFAULTS, type OAuthPartnerConfig } from '../../src/server/config';
import type { PartnerModule } from '../../src/server/partner-module';
import { oauthPartnerModule, type OAuthPartnerDefinition, type OAuthPartnerDeps } from '../oauth/oauth-partner';
import { fetchClassLinkIdentity } from './identity';

export interface ClassLinkDeps extends OAuthPartnerDeps {
  /** ClassLink's documentation lists no PKCE parameters, so it is off unless turned on here (CLASSLINK_PKCE). */
  pkce?: boolean;
  /** Space-separated scopes to request (CLASSLINK_SCOPE); must be enabled for the app in ClassLink's console. */
  scope?: string;
}

export const CLASSLINK_DEFAULT_SCOPE = OAUTH_DEFAULTS.classlinkScope;

export function classlinkDefinition(deps: ClassLinkDeps = {}): OAuthPartnerDefinition {
  return {
    partner: 'classlink',
    displayName: 'ClassLink',
    envPrefix: 'CLASSLINK',
    clientAuth: 'body',
    pkce: deps.pkce ?? OAUTH_DEFAULTS.classlinkPkce,
    scope: deps.scope ?? CLASSLINK_DEFAULT_SCOPE,
    fetchIdentity: fetchClassLinkIdentity,
  };
}

export function classlinkPartner(config: OAuthPartnerConfig | null, deps: ClassLinkDeps = {}): PartnerModule {
  return oauthPartnerModule(classlinkDefinition(deps), config, deps);
}

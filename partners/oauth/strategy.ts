/**
 * One passport-oauth2 strategy for both OAuth partners. The partner-specific parts come in as
 * options (client authentication style, PKCE, scope, how to ask who the user is); passport-oauth2
 * supplies the protocol skeleton: build the authorization redirect, check the state through our
 * store, exchange the code once, load the profile, and end in success, fail or error.
 */
import OAuth2Strategy from 'passport-oauth2';
import { OAuth2, type oauth2tokenCallback } from 'oauth';
import type { Request } from 'express';
import type { LaunchIdentity } from '../../src/identity/launch-identity';
import type { OAuthPartnerConfig } from '../../src/server/config';
import type { TenantKey } from '../../src/identity/launch-identity';
import type { BrowserFlows, FlowRecord, OAuthPartner } from './browser-flows';
import { launchInvalid, storeStep } from './errors';
import { exchangeCode, type ClientAuth, type PartnerHttpOptions } from './partner-http';

export interface PartnerStrategyOptions {
  partner: OAuthPartner;
  config: OAuthPartnerConfig;
  callbackUrl: string;
  clientAuth: ClientAuth;
  pkce: boolean;
  scope?: string;
  flows: BrowserFlows;
  http: PartnerHttpOptions;
  /** Records that a code is being exchanged; false when it was exchanged before. */
  claimCode(code: string): Promise<boolean>;
  fetchIdentity(accessToken: string): Promise<LaunchIdentity>;
  /** The tenant the start request named, if any: kept with the flow (see FlowRecord.tenantHint). */
  tenantHint?(req: Request): TenantKey | undefined;
  /** Told of the flow a callback matched, before the code is exchanged. */
  flowMatched?(req: Request, flow: FlowRecord): void;
}

/** What the routes pass to `authenticate()`. */
export interface PartnerAuthenticateOptions {
  session: false;
  /** Extra authorization-request parameters, e.g. Clever's `district_id` hint. */
  authorizationParams?: Record<string, string>;
}

/** Why a callback failed the state check; passport hands it to the route as the failure `info`. */
export interface StateFailure {
  check: 'state_mismatch';
  message: string;
}

type StoreCallback = (err: Error | null, state?: string) => void;
type VerifyCallback = (err: Error | null, ok: string | boolean, info: StateFailure | Record<string, never>) => void;

/**
 * passport-oauth2's state-store contract, in its PKCE form (it tells the forms apart by arity):
 * `store(req, verifier, state, meta, cb)` and `verify(req, state, meta, cb)`, where a string `ok`
 * is the PKCE verifier for the token request.
 */
class CookieBoundStateStore {
  constructor(private readonly options: PartnerStrategyOptions) {}

  // A store failure becomes a store_error the routes end at the sink, not the generic 500 page.
  store(req: Request, verifier: string | undefined, _state: unknown, _meta: unknown, callback: StoreCallback): void {
    const { flows, partner } = this.options;
    storeStep('flow_store_failed', 'starting the sign-in flow', () => flows.begin(req.res!, partner, verifier, this.options.tenantHint?.(req))).then(
      (state) => callback(null, state),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
  }

  verify(req: Request, state: unknown, _meta: unknown, callback: VerifyCallback): void {
    if (typeof state !== 'string' || state === '') {
      callback(null, false, { check: 'state_mismatch', message: 'the callback carries no usable state' });
      return;
    }
    storeStep('flow_store_failed', 'checking the sign-in flow', () => this.options.flows.finish(req, req.res!, this.options.partner, state)).then(
      (flow) => {
        if (flow === null) {
          callback(null, false, {
            check: 'state_mismatch',
            message: 'the state does not match a flow started in this browser (missing cookie, expired, already used, or forged)',
          });
        } else {
          this.options.flowMatched?.(req, flow);
          callback(null, flow.verifier ?? true, {});
        }
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), false, {}),
    );
  }
}

/**
 * The code exchange, replacing the `oauth` package's: ours has a deadline, authenticates the client
 * the partner's way, exchanges a code at most once, and returns typed errors.
 */
class PartnerTokenClient extends OAuth2 {
  constructor(private readonly options: PartnerStrategyOptions) {
    // The secret stays with the options; this object only needs what builds the authorization URL.
    super(options.config.clientId, '', '', options.config.authorizeUrl, options.config.tokenUrl);
  }

  override getOAuthAccessToken(code: string, paramsOrCallback: unknown, maybeCallback?: oauth2tokenCallback): void {
    const callback = (typeof paramsOrCallback === 'function' ? paramsOrCallback : maybeCallback) as oauth2tokenCallback;
    const params = (typeof paramsOrCallback === 'object' && paramsOrCallback !== null ? paramsOrCallback : {}) as Record<string, unknown>;
    const { config } = this.options;
    const run = async () => {
      if (!(await storeStep('code_store_failed', 'recording the code as used', () => this.options.claimCode(code)))) {
        throw launchInvalid('code_replayed', 'this authorization code was already exchanged once; it is not sent to the partner again');
      }
      return exchangeCode(
        {
          tokenUrl: config.tokenUrl,
          clientId: config.clientId,
          clientSecret: config.clientSecret,
          clientAuth: this.options.clientAuth,
          code,
          redirectUri: this.options.callbackUrl,
          codeVerifier: typeof params.code_verifier === 'string' ? params.code_verifier : undefined,
        },
        this.options.http,
      );
    };
    run().then(
      (tokens) => callback(null as never, tokens.accessToken, '', {}),
      (err: unknown) => callback(err as never, '', '', {}),
    );
  }
}

export class PartnerOAuthStrategy extends OAuth2Strategy {
  constructor(private readonly options: PartnerStrategyOptions) {
    super(
      {
        authorizationURL: options.config.authorizeUrl,
        tokenURL: options.config.tokenUrl,
        clientID: options.config.clientId,
        clientSecret: '',
        callbackURL: options.callbackUrl,
        scope: options.scope,
        pkce: options.pkce,
        // The contract's PKCE arity form is not in @types/passport-oauth2.
        store: new CookieBoundStateStore(options) as unknown as OAuth2Strategy.StateStore,
      },
      (_accessToken: string, _refreshToken: string, identity: LaunchIdentity, done: OAuth2Strategy.VerifyCallback) => {
        done(null, identity);
      },
    );
    this.name = options.partner;
    this._oauth2 = new PartnerTokenClient(options);
  }

  override userProfile(accessToken: string, done: (err?: unknown, profile?: LaunchIdentity) => void): void {
    this.options.fetchIdentity(accessToken).then(
      (identity) => done(null, identity),
      (err: unknown) => done(err),
    );
  }

  override authorizationParams(options: PartnerAuthenticateOptions): object {
    return { ...options.authorizationParams };
  }
}

/**
 * The routes of an OAuth partner (Clever, ClassLink), built once for both: they differ only in the
 * definition passed in. Every launch ends at the sink, in `complete` or `fail`.
 *
 *   GET /auth/<partner>            start: forget earlier flows in this browser, redirect to the
 *                                  partner with a fresh state bound to this browser
 *   GET /auth/<partner>?reauth=1   the same, sent by a portal launch: the browser must bring back
 *                                  the re-authorization cookie set a moment before, or it drops
 *                                  cookies and is refused here rather than sent round again
 *   GET /auth/<partner>/callback   with code + state: check the state, exchange the code once,
 *                                  ask who the user is, hand the identity to the sink;
 *                                  with only a code (portal launch): never exchange it, start a
 *                                  fresh authorization instead, a bounded number of times
 *
 * A failure names the tenant whenever it is known (from the partner's answers, or the start link's
 * hint), so the audit event reaches that organization's log.
 */
import { createHash, randomBytes } from 'node:crypto';
import cookieParser from 'cookie-parser';
import passport from 'passport';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { LaunchIdentity, TenantKey } from '../../src/identity/launch-identity';
import type { FailureNotice } from '../../src/identity/launch-sink';
import { OAUTH_DEFAULTS, type OAuthPartnerConfig } from '../../src/server/config';
import { html, page } from '../../src/server/html';
import type { PartnerContext, PartnerModule } from '../../src/server/partner-module';
import { BrowserFlows, type FlowDeps, type OAuthPartner } from './browser-flows';
import { launchInvalid, partnerError, storeStep, unwrapLaunchError, type FailureScope, type OAuthLaunchError } from './errors';
import { getUserJson, type ClientAuth, type PartnerHttpOptions } from './partner-http';
import { keepAliveTransport, type PartnerTransport } from './partner-transport';
import { DEFAULT_REAUTH_POLICY, REAUTH_MARKER, ReauthLimiter, type ReauthPolicy } from './reauth-limit';
import { PartnerOAuthStrategy, type PartnerAuthenticateOptions, type StateFailure } from './strategy';

/** Reads the partner's API with the user's token. `path` starts with `/`. */
export interface PartnerApi {
  getJson(path: string, accessToken: string): Promise<unknown>;
}

/** A bad optional parameter on the start route (e.g. a malformed `district_id`). */
export class StartParamError extends Error {
  override readonly name = 'StartParamError';
  constructor(
    readonly param: string,
    message: string,
  ) {
    super(message);
  }
}

export interface OAuthPartnerDefinition {
  partner: OAuthPartner;
  displayName: string;
  /** The environment variables that turn the partner on, for the "not configured" page. */
  envPrefix: string;
  clientAuth: ClientAuth;
  pkce: boolean;
  scope?: string;
  /** Optional hints on the start route, turned into authorization parameters; throws StartParamError. */
  startParams?(query: Request['query']): Record<string, string>;
  /** The tenant those parameters name (Clever's `district_id`), unconfirmed until the partner answers. */
  tenantHint?(authorizationParams: Record<string, string>): TenantKey | undefined;
  fetchIdentity(api: PartnerApi, accessToken: string): Promise<LaunchIdentity>;
}

export interface OAuthPartnerDeps {
  /** Deadline for each call to the partner (token, user info); DEFAULT_PARTNER_TIMEOUT_MS by default (PARTNER_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Outbound HTTP to the partner; keep-alive connections over node's http/https by default. */
  transport?: PartnerTransport;
  reauthPolicy?: ReauthPolicy;
  randomToken?: () => string;
}

export const DEFAULT_PARTNER_TIMEOUT_MS = OAUTH_DEFAULTS.timeoutMs;
/** Longer than any partner keeps a code alive (Clever ~1 min, ClassLink 5 min). */
const USED_CODE_TTL_MS = 15 * 60_000;

function one(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' && value !== '' ? value : null;
}

function notConfiguredHandler(def: OAuthPartnerDefinition): RequestHandler {
  return (_req, res) => {
    res
      .status(404)
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(
        page({
          title: `${def.displayName} sign-in is not set up`,
          className: 'refused',
          body: html`<h1>${def.displayName} sign-in is not set up here</h1>
<p>This LaunchGate has no ${def.displayName} app configured, so it cannot sign you in from ${def.displayName}.</p>
<p>Ask your school or district IT administrator for help.</p>
<p class="muted">For administrators: set <span class="code">${def.envPrefix}_CLIENT_ID</span> and <span class="code">${def.envPrefix}_CLIENT_SECRET</span>, then restart LaunchGate.</p>`,
        }),
      );
  };
}

const COOKIES_BLOCKED: FailureNotice = {
  title: 'This browser is blocking cookies LaunchGate needs',
  explanation:
    'Signing in from your portal needs a cookie that lasts a few minutes, and this browser did not keep it, so the sign-in cannot be finished safely.',
  nextStep: 'Allow cookies for this site (or leave private browsing), then open the app again from your portal. If it keeps happening, ask your IT administrator.',
};

/** Who the launch was for, as far as this request got; hinted: only the start link said so. */
interface KnownScope extends FailureScope {
  hinted?: boolean;
}

function badStartPage(res: Response, def: OAuthPartnerDefinition, message: string): void {
  res
    .status(400)
    .type('html')
    .set('Cache-Control', 'no-store')
    .send(
      page({
        title: `This ${def.displayName} sign-in link is not valid`,
        className: 'refused',
        body: html`<h1>This ${def.displayName} sign-in link is not valid</h1><p>${message}</p>
<p>Open the app again from your ${def.displayName} portal.</p>`,
      }),
    );
}

export function oauthPartnerModule(def: OAuthPartnerDefinition, config: OAuthPartnerConfig | null, deps: OAuthPartnerDeps = {}): PartnerModule {
  // Only the transport made here is ours to close; one passed in belongs to the caller.
  let ownTransport: PartnerTransport | null = null;
  return {
    name: def.partner,
    async close() {
      ownTransport?.close();
      ownTransport = null;
    },
    mount(app: Express, ctx: PartnerContext) {
      const startPath = `/auth/${def.partner}`;
      const callbackPath = `${startPath}/callback`;
      if (config === null) {
        app.get([startPath, callbackPath], notConfiguredHandler(def));
        return;
      }

      const flowDeps: FlowDeps = {
        ephemeral: ctx.ephemeral,
        now: ctx.now,
        secureCookies: !ctx.localHttp,
        randomToken: deps.randomToken ?? (() => randomBytes(32).toString('base64url')),
      };
      const flows = new BrowserFlows(flowDeps);
      // Per request, what is known of the tenant before the partner names it (the start link's hint).
      const scopes = new WeakMap<Request, KnownScope>();
      const reauth = new ReauthLimiter(flowDeps, deps.reauthPolicy ?? DEFAULT_REAUTH_POLICY);
      const transport = deps.transport ?? (ownTransport = keepAliveTransport());
      const http: PartnerHttpOptions = { timeoutMs: deps.timeoutMs ?? DEFAULT_PARTNER_TIMEOUT_MS, transport };
      const api: PartnerApi = { getJson: (path, token) => getUserJson(config.apiUrl + path, token, http) };

      const authenticator = new passport.Passport();
      authenticator.use(
        new PartnerOAuthStrategy({
          partner: def.partner,
          config,
          callbackUrl: new URL(callbackPath, ctx.publicUrl).toString(),
          clientAuth: def.clientAuth,
          pkce: def.pkce,
          scope: def.scope,
          flows,
          http,
          claimCode: (code) =>
            ctx.ephemeral.putIfAbsent(
              `oauth-code:${def.partner}`,
              createHash('sha256').update(code).digest('base64url'),
              '1',
              new Date(ctx.now().getTime() + USED_CODE_TTL_MS),
            ),
          fetchIdentity: (token) => def.fetchIdentity(api, token),
          tenantHint: (req) => scopes.get(req)?.tenant,
          flowMatched: (req, flow) => {
            if (flow.tenantHint !== undefined) scopes.set(req, { tenant: flow.tenantHint, hinted: true });
          },
        }),
      );

      const fail = async (req: Request, res: Response, err: OAuthLaunchError, notice?: FailureNotice) => {
        if (err.reason === 'store_error') {
          const cause = err.cause;
          ctx.logger.error(
            { requestId: res.locals.requestId, partner: def.partner, check: err.check, error: cause instanceof Error ? `${cause.name}: ${cause.message}` : 'non-error thrown' },
            'the store failed during an OAuth launch',
          );
        }
        // What the partner said wins; the start link's hint only fills in when it said nothing.
        const known = scopes.get(req);
        const tenant = err.tenant ?? known?.tenant;
        const hintedOnly = err.tenant === undefined && known?.hinted === true;
        await ctx.sink.fail(req, res, {
          partner: def.partner,
          reason: err.reason,
          check: err.check,
          cause: hintedOnly ? `${err.message} (tenant from the start link's hint, not confirmed by ${def.displayName})` : err.message,
          ...(tenant !== undefined ? { tenant } : {}),
          ...(err.subject !== undefined ? { subject: err.subject } : {}),
          ...(notice !== undefined ? { notice } : {}),
        });
      };

      /** Ends the request at the sink for every failure we know; anything else is logged and ends as unexpected_error. */
      const endWith = async (req: Request, res: Response, err: unknown) => {
        const known = unwrapLaunchError(err);
        if (known !== null) return fail(req, res, known);
        ctx.logger.error(
          { requestId: res.locals.requestId, partner: def.partner, error: err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown' },
          'unexpected error in an OAuth route',
        );
        return fail(req, res, partnerError('unexpected_error', 'the route failed unexpectedly; the log has the details'));
      };

      const start = async (req: Request, res: Response, next: NextFunction) => {
        res.set('Cache-Control', 'no-store');
        if (req.query.code !== undefined) {
          badStartPage(res, def, `This address starts a sign-in; ${def.displayName} should send you back to ${callbackPath}.`);
          return;
        }
        let authorizationParams: Record<string, string>;
        try {
          authorizationParams = def.startParams?.(req.query) ?? {};
        } catch (err) {
          if (err instanceof StartParamError) {
            badStartPage(res, def, err.message);
            return;
          }
          throw err;
        }
        if (req.query[REAUTH_MARKER] !== undefined && !reauth.cookieCameBack(req, def.partner)) {
          // Sent here by a portal launch that set the cookie a moment ago: the browser drops our
          // cookies. Another round would go the same way (forever, if the partner drops the state).
          await fail(
            req,
            res,
            launchInvalid(
              'cookies_blocked',
              'the browser came back for a re-authorization without the cookie LaunchGate had just set: it blocks or drops cookies, so no flow can be bound to it',
            ),
            COOKIES_BLOCKED,
          );
          return;
        }
        const hint = def.tenantHint?.(authorizationParams);
        if (hint !== undefined) scopes.set(req, { tenant: hint, hinted: true });
        try {
          await storeStep('flow_store_failed', 'forgetting earlier sign-in flows', () => flows.forgetAll(req, res));
        } catch (err) {
          await endWith(req, res, err);
          return;
        }
        const options: PartnerAuthenticateOptions = { session: false, authorizationParams };
        // Only an error reaches the callback here: the strategy answers a start with a redirect.
        authenticator.authenticate(def.partner, options, (err: unknown) => {
          if (unwrapLaunchError(err) === null) {
            next(err);
            return;
          }
          endWith(req, res, err).catch(next);
        })(req, res, next);
      };

      const portalLaunch = async (req: Request, res: Response) => {
        let allowed: boolean;
        try {
          allowed = await storeStep('reauth_store_failed', 'counting re-authorizations', () => reauth.allow(req, res, def.partner));
        } catch (err) {
          await endWith(req, res, err);
          return;
        }
        if (!allowed) {
          const policy = deps.reauthPolicy ?? DEFAULT_REAUTH_POLICY;
          await fail(
            req,
            res,
            launchInvalid(
              'reauthorization_limit',
              `more than ${policy.max} launches without state within ${policy.windowMs / 1000} s in this browser; ` +
                `${def.displayName} keeps answering without our state, so the browser is not sent round again`,
            ),
          );
          return;
        }
        ctx.logger.info({ requestId: res.locals.requestId, partner: def.partner }, 'portal launch without state: starting a fresh authorization');
        // The partner's session makes this seamless; the portal's code is never exchanged. The marker
        // makes the start route check that the browser kept the re-authorization cookie.
        res.redirect(303, `${startPath}?${REAUTH_MARKER}=1`);
      };

      const settle = async (req: Request, res: Response, err: unknown, user: unknown, info: unknown) => {
        if (err) return endWith(req, res, err);
        if (!user) {
          const failure = info as Partial<StateFailure> | undefined;
          return fail(req, res, launchInvalid('state_mismatch', failure?.message ?? 'the state check failed'));
        }
        const identity = user as LaunchIdentity;
        try {
          await storeStep('flow_store_failed', 'forgetting finished sign-in flows', () => flows.forgetAll(req, res, def.partner));
          await storeStep('reauth_store_failed', 'resetting re-authorizations', () => reauth.reset(req, res, def.partner));
        } catch (caught) {
          const failure = unwrapLaunchError(caught);
          if (failure === null) throw caught;
          return fail(req, res, failure.within({ tenant: identity.tenant, subject: identity.subject }));
        }
        await ctx.sink.complete(req, res, identity);
      };

      const callback = async (req: Request, res: Response, next: NextFunction) => {
        res.set('Cache-Control', 'no-store');
        const error = one(req.query.error);
        const code = one(req.query.code);
        const state = one(req.query.state);
        if (error !== undefined) {
          const name = error !== null && /^[a-z_]{1,40}$/.test(error) ? error : 'unrecognized';
          await fail(
            req,
            res,
            error === 'access_denied'
              ? launchInvalid('authorization_denied', `${def.displayName} reported access_denied (the user or the district declined)`)
              : partnerError('authorization_error', `${def.displayName} redirected back with error ${name}`),
          );
          return;
        }
        if (code === undefined || code === null) {
          await fail(req, res, launchInvalid('code_missing', 'the callback carries no usable authorization code'));
          return;
        }
        if (state === undefined) {
          await portalLaunch(req, res);
          return;
        }
        if (state === null) {
          await fail(req, res, launchInvalid('state_mismatch', 'the callback carries an unusable state'));
          return;
        }
        authenticator.authenticate(def.partner, { session: false }, (err: unknown, user: unknown, info: unknown) => {
          settle(req, res, err, user, info).catch(next);
        })(req, res, next);
      };

      ctx.routes.get(startPath, cookieParser(), start);
      ctx.routes.get(callbackPath, cookieParser(), callback);
    },
  };
}

/**
 * The Canvas (LTI 1.3) partner adapter. Routes, all under /lti (the public contract admins paste
 * into Canvas):
 *   GET|POST /lti/login      OIDC third-party initiated login
 *   POST     /lti/launch     the id_token form_post (default target_link_uri)
 *   POST     /lti/launch/continue   second half of a platform-storage launch
 *   GET      /lti/keys       LaunchGate's tool JWKS (served by ltijs)
 *   GET      /lti/canvas.json       the developer key JSON
 *   GET      /lti/register   LTI Dynamic Registration
 *   GET      /lti/icon.svg
 * Every launch ends in the LaunchSink: `complete` with a LaunchIdentity, or `fail` with a reason.
 */
import { createHash } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import { FormBodyError, formBody } from '../../src/server/form-body';
import type { PartnerContext, PartnerModule } from '../../src/server/partner-module';
import { DEFAULT_CLOCK_POLICY, type ClockPolicy } from './checks';
import { failLaunch, type CanvasRuntime } from './context';
import { developerKeyJson, ICON_SVG, toolUrls, type ToolDescription } from './developer-key';
import { LaunchCheckError } from './errors';
import type { FetchLike } from './http';
import { continueHandler, launchHandler } from './launch';
import { loginHandler } from './login';
import { LoginStates } from './login-state';
import { startLtijs, type LtijsRuntime, type LtijsStorage } from './ltijs/runtime';
import { allowAllHosts, guardedFetch, pinnedFetch, publicHostsOnly, type HostResolver } from './network-guard';
import { PlatformKeys, type PlatformKeysOptions } from './platform-keys';
import { SharedKeySets } from './shared-key-sets';
import { registerHandler } from './registration';
import { DEFAULT_REGISTRATION_LIMITS, registrationGate, type RegistrationLimits } from './registration-gate';
import type { CanvasRegistry } from './registry';

export type { CanvasRegistry, CanvasRegistration, PendingRegistration } from './registry';
export type { LtijsStorage } from './ltijs/runtime';

export interface CanvasDeps {
  registry: CanvasRegistry;
  /** The deployment secret; ltijs's encryption key is derived from it. */
  secret: string;
  /** Where ltijs keeps its platforms and tool keys. */
  ltijsStorage: LtijsStorage;
  /** Outbound HTTP (platform key sets, dynamic registration); global fetch by default. */
  fetch?: FetchLike;
  /** Overrides the app's clock for the adapter. */
  now?: () => Date;
  clock?: Partial<ClockPolicy>;
  jwks?: Pick<PlatformKeysOptions, 'cooldownMs' | 'failureCooldownMs' | 'maxAgeMs' | 'timeoutMs'>;
  title?: string;
  description?: string;
  /** Rate limits and the pending cap of /lti/register (registration-gate.ts). */
  registrationLimits?: Partial<RegistrationLimits>;
  /**
   * Refuse platform hosts on private, loopback or link-local networks at dynamic registration and
   * when a launch fetches the platform's key set (network-guard.ts). On in production (compose.ts);
   * off where the simulated Canvas is on loopback.
   */
  refusePrivateHosts?: boolean;
  /** How host names resolve for that check; the system resolver by default. */
  resolveHost?: HostResolver;
}

export interface CanvasPartnerModule extends PartnerModule {
  /** The platform key cache, once mounted (tests and metrics read its fetch counts). */
  readonly platformKeys: PlatformKeys | null;
}

const DEFAULT_TITLE = 'LaunchGate';
const DEFAULT_DESCRIPTION = 'Just-in-time access to your school’s licensed products, straight from Canvas.';

function ltijsKey(secret: string): string {
  return createHash('sha256').update('launchgate:ltijs:').update(secret).digest('base64url');
}

export function canvasPartner(deps: CanvasDeps): CanvasPartnerModule {
  let ltijs: LtijsRuntime | null = null;
  let keys: PlatformKeys | null = null;

  return {
    name: 'canvas',
    get platformKeys() {
      return keys;
    },

    async mount(app: Express, ctx: PartnerContext): Promise<void> {
      const now = deps.now ?? ctx.now;
      // In production the connection itself is pinned to addresses the guard allows (DNS rebinding).
      const fetchImpl: FetchLike = deps.fetch ?? (deps.refusePrivateHosts ? pinnedFetch(deps.resolveHost) : (input, init) => fetch(input, init));
      const tool: ToolDescription = {
        publicUrl: ctx.publicUrl,
        title: deps.title ?? DEFAULT_TITLE,
        description: deps.description ?? DEFAULT_DESCRIPTION,
      };
      const hosts = deps.refusePrivateHosts ? publicHostsOnly(deps.resolveHost) : allowAllHosts;
      // A launch fetches the key set its connection names: in production, never on a private network.
      const keysFetch = deps.refusePrivateHosts ? guardedFetch(fetchImpl, hosts) : fetchImpl;
      keys = new PlatformKeys({ fetch: keysFetch, now, shared: new SharedKeySets(ctx.ephemeral), ...deps.jwks });
      ltijs = await startLtijs({
        storage: deps.ltijsStorage,
        encryptionKey: ltijsKey(deps.secret),
        publicUrl: ctx.publicUrl,
        toolName: tool.title,
        description: tool.description,
        iconUrl: toolUrls(ctx.publicUrl).icon,
        fetch: fetchImpl,
        now,
        onError: (err, operation) => ctx.logger.error({ err, operation }, 'ltijs storage operation failed'),
      });
      const rt: CanvasRuntime = {
        registry: deps.registry,
        states: new LoginStates(ctx.ephemeral, now, deps.secret),
        keys,
        ephemeral: ctx.ephemeral,
        sink: ctx.sink,
        logger: ctx.logger,
        publicUrl: ctx.publicUrl,
        now,
        clock: { ...DEFAULT_CLOCK_POLICY, ...deps.clock },
      };
      const runtime = ltijs;

      // Login and launch are launch routes (found before Express's router), not on the router
      // mounted at /lti: every layer Express walks costs each request, and these are two of three.
      const readForm = formBody({ limitBytes: 128 * 1024, parameterLimit: 100 });
      // A form that cannot be read is a refused launch like any other: the generic page, and the
      // audit event (with no organization: nothing in it can be trusted to name one) says why.
      const form: RequestHandler = (req, res, next) =>
        readForm(req, res, (err?: unknown) => {
          if (err instanceof FormBodyError) void failLaunch(rt, req, res, new LaunchCheckError('form_unreadable', err.message)).catch(next);
          else next(err);
        });
      const login = loginHandler(rt);
      ctx.routes.get('/lti/login', login);
      ctx.routes.post('/lti/login', form, login);
      ctx.routes.post('/lti/launch', form, launchHandler(rt));
      ctx.routes.post('/lti/launch/continue', form, continueHandler(rt));

      const router = express.Router();
      // ltijs's own app serves the key set, and it routes on the path below /lti.
      router.get('/keys', (req, res, next) => runtime.serveKeys(req, res, next));
      const gate = registrationGate({
        ephemeral: ctx.ephemeral,
        now,
        limits: { ...DEFAULT_REGISTRATION_LIMITS, ...deps.registrationLimits },
        countPending: () => deps.registry.countPending(),
      });
      router.get('/register', registerHandler({ rt, ltijs: runtime, tool, allowLoopbackHttp: ctx.localHttp, gate, hosts }));
      router.get('/canvas.json', (_req, res) => {
        res.set('Cache-Control', 'no-cache').json(developerKeyJson(tool));
      });
      router.get('/icon.svg', (_req, res) => {
        res.set('Cache-Control', 'public, max-age=86400').type('image/svg+xml').send(ICON_SVG);
      });
      app.use('/lti', router);
    },

    async close(): Promise<void> {
      const running = ltijs;
      ltijs = null;
      await running?.close();
    },
  };
}

/**
 * POST /lti/launch: the platform's form_post of the id_token (1EdTech Security Framework 5.1.3).
 *
 * In order: the state names a login we started; the login is bound to this browser (its cookie,
 * or, when the cookie is gone and the platform offered storage, the value kept there); the token
 * passes every check in verify.ts; its deployment belongs to a connection; its nonce is the one
 * this login issued; the login (and with it state and nonce) is spent atomically. Then the sink
 * decides.
 *
 * POST /lti/launch/continue: the second half of a platform-storage launch. Only LaunchGate's own
 * page can post it (same-origin check), with the binding it read back from the platform.
 */
import type { Request, Response } from 'express';
import type { LaunchIdentity } from '../../src/identity/launch-identity';
import { LTI, stringClaim } from './claims';
import { canvasTenant, failLaunch, field, NotLinkedError, type CanvasRuntime, type FailureContext } from './context';
import { clearBindingCookie, readBindingCookie } from './cookies';
import { LaunchCheckError } from './errors';
import { canvasIdentity } from './identity';
import { randomToken, sha256, type LoginRecord, type PendingLogin } from './login-state';
import { storageKey } from './login';
import { newWindowPage, storageLaunchPage } from './pages';
import { verifyIdToken } from './verify';

const NS_CONTINUE = 'canvas-continue';
const CONTINUE_TTL_MS = 2 * 60_000;

interface Continuation {
  identity: LaunchIdentity;
  bindingHash: string;
  productId?: string;
}

/** A placement may choose the product with `?product=` on its target_link_uri (a signed claim). */
function productOf(payload: Record<string, unknown>): string | undefined {
  const target = stringClaim(payload, LTI.targetLinkUri);
  if (!target) return undefined;
  try {
    // `?product=` names no product: the default, as without the parameter (an unknown name is refused).
    return new URL(target).searchParams.get('product') || undefined;
  } catch {
    return undefined;
  }
}

function relaunchUrl(rt: CanvasRuntime, record: LoginRecord): string {
  const url = new URL('/lti/login', rt.publicUrl);
  for (const [name, value] of Object.entries(record.relaunch)) url.searchParams.set(name, value);
  return url.toString();
}

async function verifyAndSpend(
  rt: CanvasRuntime,
  login: PendingLogin,
  idToken: string,
  context: FailureContext,
): Promise<{ identity: LaunchIdentity; productId?: string }> {
  const record = login.record;
  const registrations = await rt.registry.findRegistrations(record.issuer, record.clientId);
  const registration = registrations.find((r) => r.id === record.registrationId) ?? registrations[0];
  if (!registration) throw new NotLinkedError('client_id_unknown', 'the connection this login used no longer exists');
  const launch = await verifyIdToken(
    idToken,
    {
      issuer: record.issuer,
      clientId: record.clientId,
      loginDeploymentId: record.deploymentId,
      // The login keeps its parameters for a relaunch; target_link_uri is always among them.
      loginTargetLinkUri: record.relaunch.target_link_uri ?? null,
      jwksUrl: registration.jwksUrl,
    },
    rt.keys,
    rt.now(),
    rt.clock,
  );
  context.tenant = canvasTenant(launch.issuer, launch.clientId, launch.deploymentId);
  context.subject = launch.subject;
  if (!registrations.some((r) => r.deploymentIds.includes(launch.deploymentId))) {
    throw new NotLinkedError('deployment_not_linked', 'the deployment is not one of the connection’s deployment ids');
  }
  await rt.states.spend(login, launch.nonce);
  return { identity: canvasIdentity(launch), productId: productOf(launch.payload) };
}

export function launchHandler(rt: CanvasRuntime) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set('Cache-Control', 'no-store');
    const body = req.body as unknown;
    const context: FailureContext = {};
    try {
      const platformError = field(body, 'error');
      if (platformError !== undefined) {
        await rt.sink.fail(req, res, {
          partner: 'canvas',
          reason: 'partner_error',
          check: 'platform_error',
          cause: `the platform answered the login with error "${platformError.slice(0, 64)}"${field(body, 'error_description') ? `: ${field(body, 'error_description')!.slice(0, 200)}` : ''}`,
        });
        return;
      }
      const state = field(body, 'state');
      if (!state) throw new LaunchCheckError('state_missing', 'the form_post has no state');
      const idToken = field(body, 'id_token', 64 * 1024);
      if (!idToken) throw new LaunchCheckError('id_token_missing', 'the form_post has no id_token');
      const login = await rt.states.peek(state);
      if (!login) throw new LaunchCheckError('state_unknown', 'the state names no login in progress (unknown, used or expired)');
      const record = login.record;
      context.tenant = canvasTenant(record.issuer, record.clientId, record.deploymentId);

      const cookie = readBindingCookie(req, state);
      if (cookie !== undefined) {
        if (sha256(cookie) !== record.bindingHash) {
          throw new LaunchCheckError('state_not_bound_to_browser', 'the login cookie of this browser belongs to a different login');
        }
        clearBindingCookie(res, state);
        const { identity, productId } = await verifyAndSpend(rt, login, idToken, context);
        await rt.sink.complete(req, res, identity, { productId });
        return;
      }

      if (record.storageTarget !== null) {
        const { identity, productId } = await verifyAndSpend(rt, login, idToken, context);
        const continuation = randomToken();
        const value: Continuation = { identity, bindingHash: record.bindingHash, productId };
        await rt.ephemeral.put(NS_CONTINUE, continuation, JSON.stringify(value), new Date(rt.now().getTime() + CONTINUE_TTL_MS));
        // The form this page posts must carry our Origin (helmet's no-referrer would make it "null").
        res.set('Referrer-Policy', 'same-origin');
        res.status(200).type('html').send(
          storageLaunchPage({
            cspNonce: typeof res.locals.cspNonce === 'string' ? res.locals.cspNonce : null,
            storageTarget: record.storageTarget,
            platformOrigin: record.platformOrigin,
            key: storageKey(state),
            continueUrl: new URL('/lti/launch/continue', rt.publicUrl).toString(),
            continuation,
            relaunchUrl: relaunchUrl(rt, record),
          }),
        );
        return;
      }

      // No cookie came back and the platform offers no storage: this iframe cannot prove the
      // login was its own. A top-level window can; the token posted here is left unused.
      rt.logger.info({ requestId: res.locals.requestId }, 'canvas launch without its login cookie; offering a new window');
      res.status(200).type('html').send(newWindowPage(relaunchUrl(rt, record)));
    } catch (err) {
      await failLaunch(rt, req, res, err, context);
    }
  };
}

/** Same-origin only: a cross-site page cannot post this form, so only our own storage page can. */
function fromOwnPage(req: Request, publicUrl: URL): boolean {
  const origin = req.get('origin');
  if (origin !== undefined && origin !== 'null') return origin === publicUrl.origin;
  return req.get('sec-fetch-site') === 'same-origin';
}

export function continueHandler(rt: CanvasRuntime) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set('Cache-Control', 'no-store');
    const context: FailureContext = {};
    try {
      if (!fromOwnPage(req, rt.publicUrl)) {
        throw new LaunchCheckError('continuation_cross_origin', 'the continuation was not posted by LaunchGate’s own page');
      }
      const id = field(req.body, 'continuation');
      const binding = field(req.body, 'binding');
      const raw = id ? await rt.ephemeral.consume(NS_CONTINUE, id) : null;
      if (raw === null) throw new LaunchCheckError('continuation_unknown', 'the continuation is unknown, used or expired');
      const continuation = JSON.parse(raw) as Continuation;
      context.tenant = continuation.identity.tenant;
      context.subject = continuation.identity.subject;
      if (!binding || sha256(binding) !== continuation.bindingHash) {
        throw new LaunchCheckError('state_not_bound_to_browser', 'the platform storage of this browser does not hold this login');
      }
      await rt.sink.complete(req, res, continuation.identity, { productId: continuation.productId });
    } catch (err) {
      await failLaunch(rt, req, res, err, context);
    }
  };
}

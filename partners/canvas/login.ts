/**
 * GET|POST /lti/login: OIDC third-party initiated login (1EdTech Security Framework 5.1.1). Finds
 * the linked connection for (iss, client_id, lti_deployment_id), issues a state and a nonce bound
 * to this login, binds the state to this browser (a partitioned cookie and, when Canvas offers it,
 * LTI platform storage) and sends the browser to the platform's OIDC auth endpoint.
 */
import type { Request, Response } from 'express';
import { redirectTo } from '../../src/server/redirect';
import { canvasTenant, failLaunch, field, NotLinkedError, type CanvasRuntime } from './context';
import { setBindingCookie } from './cookies';
import { LaunchCheckError } from './errors';
import { randomToken, sha256 } from './login-state';
import { storageLoginPage } from './pages';
import type { CanvasRegistration } from './registry';

const FRAME_NAME = /^(_parent|[A-Za-z0-9_-]{1,64})$/;

/** The key LaunchGate's binding lives under in platform storage; it names the login so launches never collide. */
export function storageKey(state: string): string {
  return `launchgate_state_${state}`;
}

function sameOrigin(url: string, publicUrl: URL): boolean {
  try {
    return new URL(url).origin === publicUrl.origin;
  } catch {
    return false;
  }
}

function chooseRegistration(registrations: CanvasRegistration[], deploymentId: string | null): CanvasRegistration {
  if (registrations.length === 0) throw new NotLinkedError('client_id_unknown', 'no Canvas connection has this issuer and client id');
  const registration =
    deploymentId !== null
      ? registrations.find((r) => r.deploymentIds.includes(deploymentId))
      : (registrations.find((r) => r.linked) ?? registrations[0]);
  if (!registration) throw new NotLinkedError('deployment_not_linked', 'the deployment is not one of the connection’s deployment ids');
  if (!registration.linked) throw new NotLinkedError('connection_pending', 'the connection is registered but not linked to a directory yet');
  return registration;
}

export function loginHandler(rt: CanvasRuntime) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set('Cache-Control', 'no-store');
    const params = { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown> | undefined) ?? {}) };
    const issuer = field(params, 'iss');
    const clientId = field(params, 'client_id');
    const deploymentId = field(params, 'lti_deployment_id') ?? field(params, 'deployment_id') ?? null;
    const tenant = issuer && clientId ? canvasTenant(issuer, clientId, deploymentId) : undefined;
    try {
      const loginHint = field(params, 'login_hint');
      const targetLinkUri = field(params, 'target_link_uri');
      if (!issuer || !loginHint || !targetLinkUri) {
        throw new LaunchCheckError('login_params_missing', 'login initiation lacks iss, login_hint or target_link_uri');
      }
      if (!clientId) throw new LaunchCheckError('client_id_missing', 'login initiation has no client_id; LaunchGate needs it to find the connection');
      if (!sameOrigin(targetLinkUri, rt.publicUrl)) {
        throw new LaunchCheckError('target_link_uri_foreign', 'target_link_uri is not a LaunchGate URL');
      }
      const registration = chooseRegistration(await rt.registry.findRegistrations(issuer, clientId), deploymentId);
      const authUrl = new URL(registration.authEndpoint);
      const storageTargetRaw = field(params, 'lti_storage_target');
      const storageTarget = storageTargetRaw !== undefined && FRAME_NAME.test(storageTargetRaw) ? storageTargetRaw : null;
      const messageHint = field(params, 'lti_message_hint');

      const binding = randomToken();
      const relaunch: Record<string, string> = { iss: issuer, login_hint: loginHint, target_link_uri: targetLinkUri, client_id: clientId };
      if (messageHint) relaunch.lti_message_hint = messageHint;
      if (deploymentId) relaunch.lti_deployment_id = deploymentId;
      const { state, nonce } = await rt.states.begin({
        issuer,
        clientId,
        deploymentId,
        registrationId: registration.id,
        bindingHash: sha256(binding),
        storageTarget,
        platformOrigin: authUrl.origin,
        relaunch,
        createdAt: rt.now().getTime(),
      });
      setBindingCookie(res, state, binding);

      const auth: Record<string, string> = {
        scope: 'openid',
        response_type: 'id_token',
        response_mode: 'form_post',
        prompt: 'none',
        client_id: clientId,
        redirect_uri: new URL('/lti/launch', rt.publicUrl).toString(),
        login_hint: loginHint,
        state,
        nonce,
      };
      if (messageHint) auth.lti_message_hint = messageHint;
      // One serialization of the query (URL#searchParams.set rewrites the whole href on every call).
      const query = new URLSearchParams(authUrl.search);
      for (const [name, value] of Object.entries(auth)) query.set(name, value);
      authUrl.search = query.toString();

      if (storageTarget === null) {
        redirectTo(res, 302, authUrl.toString());
        return;
      }
      res.status(200).type('html').send(
        storageLoginPage({
          cspNonce: typeof res.locals.cspNonce === 'string' ? res.locals.cspNonce : null,
          authUrl: authUrl.toString(),
          storageTarget,
          platformOrigin: authUrl.origin,
          key: storageKey(state),
          value: binding,
        }),
      );
    } catch (err) {
      await failLaunch(rt, req, res, err, { tenant });
    }
  };
}

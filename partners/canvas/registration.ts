/**
 * GET /lti/register: LTI Dynamic Registration as Canvas does it. Canvas opens this URL in an iframe
 * with `openid_configuration` and `registration_token`; ltijs fetches the configuration and posts
 * the registration (through our HTTP seam, which adds the bearer token Canvas requires on the
 * configuration request, keeps both answers, and refuses to send the token anywhere but the
 * platform that issued it). The request itself is ours (developer-key.ts): ltijs's default one is
 * refused by Canvas. The result is a *pending* connection: nobody can launch until an admin links it.
 */
import type { Request, Response } from 'express';
import { hostedCanvasSso } from '../../src/identity/canvas-hosts';
import type { LtijsRuntime } from './ltijs/runtime';
import { field, type CanvasRuntime } from './context';
import { registrationOverrides, type ToolDescription } from './developer-key';
import { describeUrl, HttpFailure } from './http';
import { PrivateHostError, type HostGuard } from './network-guard';
import { registrationDonePage, registrationFailedPage } from './pages';
import { RegistrationRefusal, type RegistrationGate } from './registration-gate';
import type { PendingRegistration } from './registry';

export class RegistrationError extends Error {
  override readonly name = 'RegistrationError';
  constructor(
    readonly code:
      | 'configuration_url_invalid'
      | 'configuration_invalid'
      | 'registration_endpoint_foreign'
      | 'platform_endpoints_foreign'
      | 'registration_response_invalid',
    message: string,
  ) {
    super(message);
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or plain http to this machine when LaunchGate itself runs on plain http locally. */
function platformUrl(raw: unknown, what: string, allowLoopbackHttp: boolean): URL {
  if (typeof raw !== 'string' || raw === '') throw new RegistrationError('configuration_invalid', `the platform configuration has no ${what}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RegistrationError('configuration_invalid', `the platform's ${what} is not a URL`);
  }
  const ok = url.protocol === 'https:' || (allowLoopbackHttp && url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!ok || url.username !== '' || url.password !== '') {
    throw new RegistrationError('configuration_invalid', `the platform's ${what} must be an https URL`);
  }
  return url;
}

interface PlatformConfiguration {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  registrationEndpoint: URL;
  accountName: string | null;
}

export function readPlatformConfiguration(body: unknown, configurationUrl: URL, allowLoopbackHttp: boolean): PlatformConfiguration {
  if (typeof body !== 'object' || body === null) throw new RegistrationError('configuration_invalid', 'the platform configuration is not a JSON object');
  const c = body as Record<string, unknown>;
  const registrationEndpoint = platformUrl(c.registration_endpoint, 'registration_endpoint', allowLoopbackHttp);
  // The registration token may only go back to the platform that handed it to us.
  if (registrationEndpoint.origin !== configurationUrl.origin) {
    throw new RegistrationError('registration_endpoint_foreign', 'the registration endpoint is not on the platform that sent the configuration');
  }
  const platform = c['https://purl.imsglobal.org/spec/lti-platform-configuration'];
  const accountName =
    typeof platform === 'object' && platform !== null ? (platform as Record<string, unknown>)['https://canvas.instructure.com/lti/account_name'] : undefined;
  // Kept exactly as sent: every launch's `iss` is compared with it byte for byte.
  const issuer = platformUrl(c.issuer, 'issuer', allowLoopbackHttp);
  const { authorizationEndpoint, jwksUri } = trustedLaunchEndpoints(
    issuer,
    platformUrl(c.authorization_endpoint, 'authorization_endpoint', allowLoopbackHttp),
    platformUrl(c.jwks_uri, 'jwks_uri', allowLoopbackHttp),
  );
  return {
    issuer: c.issuer as string,
    authorizationEndpoint,
    tokenEndpoint: platformUrl(c.token_endpoint, 'token_endpoint', allowLoopbackHttp).toString(),
    jwksUri,
    registrationEndpoint,
    accountName: typeof accountName === 'string' && accountName !== '' ? accountName.slice(0, 200) : null,
  };
}

/**
 * Anyone can open /lti/register with a configuration of their own making. The endpoints a pending
 * connection keeps decide whose keys launches are verified with, so they must belong to the
 * issuer: for hosted Canvas they are Instructure's fixed ones (whatever the configuration says);
 * for a self-hosted Canvas they must be on the issuer's own origin. A forged registration can
 * then name a real issuer, but never make LaunchGate trust keys the forger holds.
 */
export function trustedLaunchEndpoints(issuer: URL, authorizationEndpoint: URL, jwksUri: URL): { authorizationEndpoint: string; jwksUri: string } {
  // Instructure-hosted Canvas: one issuer per environment, and its launch endpoints are fixed.
  const hosted = hostedCanvasSso(issuer);
  if (hosted !== null) {
    return { authorizationEndpoint: `${hosted}/api/lti/authorize_redirect`, jwksUri: `${hosted}/api/lti/security/jwks` };
  }
  if (authorizationEndpoint.origin !== issuer.origin || jwksUri.origin !== issuer.origin) {
    throw new RegistrationError('platform_endpoints_foreign', "the platform's login and key endpoints are not on its issuer's host");
  }
  return { authorizationEndpoint: authorizationEndpoint.toString(), jwksUri: jwksUri.toString() };
}

function readRegistrationResponse(body: unknown): { clientId: string; deploymentIds: string[] } {
  if (typeof body !== 'object' || body === null) throw new RegistrationError('registration_response_invalid', 'the registration answer is not a JSON object');
  const r = body as Record<string, unknown>;
  if (typeof r.client_id !== 'string' || r.client_id === '' || r.client_id.length > 255) {
    throw new RegistrationError('registration_response_invalid', 'the registration answer has no client_id');
  }
  const tool = r['https://purl.imsglobal.org/spec/lti-tool-configuration'];
  const deploymentId = typeof tool === 'object' && tool !== null ? (tool as Record<string, unknown>).deployment_id : undefined;
  return { clientId: r.client_id, deploymentIds: typeof deploymentId === 'string' && deploymentId !== '' ? [deploymentId] : [] };
}

export interface RegistrationDeps {
  rt: CanvasRuntime;
  ltijs: LtijsRuntime;
  tool: ToolDescription;
  allowLoopbackHttp: boolean;
  /** Rate limits and the pending cap: answered before anything is fetched or generated. */
  gate: RegistrationGate;
  /** Which platform hosts may be called (none on private networks in production). */
  hosts: HostGuard;
}

/**
 * What the page says when a registration fails after LaunchGate started talking to the platform.
 * Never the precise cause: "did not answer" against "answered 404" against "not a configuration"
 * would tell whoever chose the URL what listens there. The log has it, under the request id.
 */
const GENERIC_FAILURE = 'Canvas and LaunchGate could not complete the registration.';

export function registerHandler({ rt, ltijs, tool, allowLoopbackHttp, gate, hosts }: RegistrationDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set('Cache-Control', 'no-store');
    const configurationParam = field(req.query, 'openid_configuration');
    const registrationToken = field(req.query, 'registration_token', 16 * 1024);
    const fail = (status: number, message: string) => res.status(status).type('html').send(registrationFailedPage(message));
    if (!configurationParam) {
      fail(400, 'Start dynamic registration from Canvas (Admin › Developer Keys › + Developer Key › LTI Registration) with this URL.');
      return;
    }
    let configurationUrl: URL;
    try {
      configurationUrl = platformUrl(configurationParam, 'openid_configuration URL', allowLoopbackHttp);
    } catch {
      fail(400, 'The openid_configuration URL Canvas sent is not an https URL.');
      return;
    }
    const requestId = typeof res.locals.requestId === 'string' ? res.locals.requestId : undefined;
    try {
      await gate.admit(req.ip);
      await hosts.check(configurationUrl);
    } catch (err) {
      if (!(err instanceof RegistrationRefusal) && !(err instanceof PrivateHostError)) throw err;
      rt.logger.warn({ requestId, code: err.code, ip: req.ip, reason: err.message, platform: describeUrl(configurationUrl.toString()) }, 'canvas dynamic registration refused');
      if (err instanceof RegistrationRefusal) fail(err.status, err.advice);
      else fail(400, 'LaunchGate registers only with Canvas servers on the public internet.');
      return;
    }

    let configuration: PlatformConfiguration | null = null;
    let answer: unknown;
    try {
      await ltijs.http.run(
        {
          bearer: registrationToken,
          async check(method, url) {
            if (method === 'GET' && url !== configurationUrl.toString() && url !== configurationParam) {
              throw new RegistrationError('configuration_url_invalid', 'registration tried to read an unexpected URL');
            }
            if (method === 'POST' && (configuration === null || url !== configuration.registrationEndpoint.toString())) {
              throw new RegistrationError('registration_endpoint_foreign', 'registration tried to post to an unexpected URL');
            }
            // Again just before each call (a name may resolve differently now), and, before the
            // registration is posted, the issuer's key set that launches will fetch.
            await hosts.check(new URL(url));
            if (method === 'POST' && configuration !== null) await hosts.check(new URL(configuration.jwksUri));
          },
          record(method, _url, body) {
            if (method === 'GET') configuration = readPlatformConfiguration(body, configurationUrl, allowLoopbackHttp);
            else answer = body;
          },
        },
        () => ltijs.dynamicRegistration.register(configurationParam, registrationToken, registrationOverrides(tool)),
      );
      if (configuration === null) throw new RegistrationError('configuration_invalid', 'the platform configuration was never read');
      const platform: PlatformConfiguration = configuration;
      const { clientId, deploymentIds } = readRegistrationResponse(answer);
      const pending: PendingRegistration = {
        issuer: platform.issuer,
        clientId,
        deploymentIds,
        authEndpoint: platform.authorizationEndpoint,
        tokenEndpoint: platform.tokenEndpoint,
        jwksUrl: platform.jwksUri,
        label: platform.accountName ? `Canvas: ${platform.accountName}` : 'Canvas (dynamic registration)',
      };
      const { id, created, claimCode } = await rt.registry.registerPending(pending);
      rt.logger.info(
        { connectionId: id, created, issuer: platform.issuer, clientId, deploymentIds, platform: describeUrl(configurationUrl.toString()) },
        'canvas dynamic registration: pending connection recorded',
      );
      res.status(200).type('html').send(
        registrationDonePage({
          cspNonce: typeof res.locals.cspNonce === 'string' ? res.locals.cspNonce : null,
          platformName: platform.accountName ?? 'Canvas',
          clientId,
          connectionId: id,
          claimCode,
          closeOrigin: configurationUrl.origin,
        }),
      );
    } catch (err) {
      const known = err instanceof RegistrationError || err instanceof HttpFailure || err instanceof PrivateHostError;
      rt.logger.warn(
        // `failure`, not `err.code`: the logger redacts every nested `code` (OAuth codes are credentials).
        { requestId, failure: known ? err.code : undefined, err: known ? { message: err.message } : err, platform: describeUrl(configurationUrl.toString()) },
        'canvas dynamic registration failed',
      );
      if (err instanceof Error && err.message === 'PLATFORM_ALREADY_REGISTERED') {
        fail(400, 'This Canvas developer key is already registered with LaunchGate.');
      } else {
        fail(502, requestId ? `${GENERIC_FAILURE} Reference: ${requestId}.` : GENERIC_FAILURE);
      }
    }
  };
}

/**
 * A simulated Canvas on loopback, for tests, the sandbox demo and benchmarks. It does what Canvas
 * does in an LTI 1.3 launch, with its own RSA keys:
 * - publishes its JWKS (counting fetches; keys can rotate);
 * - answers the OIDC auth request (checking it like Canvas) by auto-posting a signed id_token;
 * - serves a course page that frames the tool, with the `post_message_forwarding` storage frame;
 * - answers dynamic registration (openid configuration + registration endpoint), validating the
 *   request against Canvas's schema;
 * - forges tokens on request (TokenTamper) for the attack tests.
 *
 *   const canvas = await CanvasSimulator.start();
 *   await store.createConnection({ ..., settings: canvas.connectionSettings() });
 *   const { final } = await canvas.launch(browser, launchGateUrl, { user: { email, roles } });
 */
import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { applyTamper, canvasClaims, newSigningKey, signToken, type PrivacyLevel, type SigningKey, type SimUser, type TokenTamper } from './tokens';
import { autoPostForm, coursePage, parseForm, storageFramePage } from './pages';
import { validateRegistrationRequest } from './validation';

export { LIS_ROLES, type PrivacyLevel, type SimUser, type TokenTamper } from './tokens';
export { parseForm } from './pages';
export { validateDeveloperKeyJson, validateRegistrationRequest } from './validation';

export interface HopLike {
  url: string;
  status: number;
  location: string | null;
  body: string;
}

/** A cookie-keeping client that does one request per call (test/support/client.ts's TestClient fits). */
export interface BrowserLike {
  request(url: string, init?: { method?: string; form?: Record<string, string>; headers?: Record<string, string> }): Promise<HopLike>;
}

export interface LaunchSpec {
  user: SimUser;
  /** Defaults to the simulator's deployment. */
  deploymentId?: string;
  /** The client id sent at login (defaults to the simulator's). */
  clientId?: string;
  /** Leave `lti_deployment_id` out of the login initiation. */
  omitLoginDeploymentId?: boolean;
  privacy?: PrivacyLevel;
  context?: { id: string; label?: string; title?: string } | null;
  custom?: Record<string, string>;
  /** Offer LTI platform storage (`lti_storage_target`). */
  storageTarget?: string;
  targetLinkUri?: string;
  tamper?: TokenTamper;
}

export interface SimLaunch {
  login: HopLike;
  authorize?: HopLike;
  form?: { action: string; fields: Record<string, string> };
  launch?: HopLike;
  /** The last answer LaunchGate gave (a redirect into the product, or a page). */
  final: HopLike;
}

export interface CanvasSimulatorOptions {
  host?: string;
  port?: number;
  /** Defaults to the simulator's own base URL (as a self-hosted Canvas would be). */
  issuer?: string;
  clientId?: string;
  deploymentId?: string;
  accountName?: string;
  now?: () => Date;
}

export interface SimRegistration {
  clientId: string;
  deploymentId: string;
  request: Record<string, unknown>;
}

interface PageSpec {
  loginUrl: string;
  fields: Record<string, string>;
  storage: boolean;
}

const DEFAULT_CUSTOM = { launchgate_email: '$Person.email.primary' };
/** The simulated Canvas offers rosters only: a tool asking for grade scopes is refused, as Canvas refuses unoffered scopes. */
const SCOPES_SUPPORTED = ['https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly'];

export class CanvasSimulator {
  readonly issuer: string;
  readonly clientId: string;
  readonly deploymentId: string;
  readonly accountName: string;
  readonly platformGuid = `${randomBytes(16).toString('hex')}:canvas-lms`;
  /** Keys in the published JWKS; the last one signs. */
  readonly published: SigningKey[];
  /** Delay before answering a JWKS request, so concurrent fetches really overlap. */
  jwksDelayMs = 0;
  jwksFetches = 0;
  readonly storageEvents: Array<{ subject: string; origin: string }> = [];
  readonly registrations: SimRegistration[] = [];
  readonly rejectedRegistrations: string[][] = [];
  /** Every auth request the platform accepted, as the tool sent it. */
  readonly authRequests: Array<Record<string, string>> = [];
  private readonly launches = new Map<string, LaunchSpec>();
  private readonly pages = new Map<string, PageSpec>();
  private readonly registrationTokens = new Set<string>();
  private readonly clientIds: Set<string>;
  private readonly now: () => Date;

  private constructor(
    private readonly server: http.Server,
    readonly baseUrl: string,
    private readonly stranger: SigningKey,
    first: SigningKey,
    options: CanvasSimulatorOptions,
  ) {
    this.issuer = options.issuer ?? baseUrl;
    this.clientId = options.clientId ?? '10000000000001';
    this.deploymentId = options.deploymentId ?? `1:${randomBytes(20).toString('hex')}`;
    this.accountName = options.accountName ?? 'Lincoln Unified (simulated)';
    this.published = [first];
    this.clientIds = new Set([this.clientId]);
    this.now = options.now ?? (() => new Date());
  }

  static async start(options: CanvasSimulatorOptions = {}): Promise<CanvasSimulator> {
    const [first, stranger] = await Promise.all([newSigningKey(), newSigningKey()]);
    let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
    const server = http.createServer((req, res) => handler(req, res));
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
    const { port } = server.address() as AddressInfo;
    const sim = new CanvasSimulator(server, `http://${host}:${port}`, stranger, first, options);
    handler = (req, res) => {
      sim.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    };
    return sim;
  }

  get authEndpoint(): string {
    return `${this.baseUrl}/api/lti/authorize_redirect`;
  }
  get jwksUrl(): string {
    return `${this.baseUrl}/api/lti/security/jwks`;
  }
  get tokenEndpoint(): string {
    return `${this.baseUrl}/login/oauth2/token`;
  }
  get openidConfigurationUrl(): string {
    return `${this.baseUrl}/api/lti/security/openid-configuration`;
  }
  get registrationEndpoint(): string {
    return `${this.baseUrl}/api/lti/registrations`;
  }
  get signingKey(): SigningKey {
    return this.published[this.published.length - 1]!;
  }

  /** The settings of a LaunchGate Canvas connection for this platform. */
  connectionSettings(overrides: { deploymentIds?: string[]; clientId?: string } = {}) {
    return {
      partner: 'canvas' as const,
      issuer: this.issuer,
      clientId: overrides.clientId ?? this.clientId,
      deploymentIds: overrides.deploymentIds ?? [this.deploymentId],
      authEndpoint: this.authEndpoint,
      tokenEndpoint: this.tokenEndpoint,
      jwksUrl: this.jwksUrl,
    };
  }

  /** Publishes a new signing key (Canvas rotates keys); `retireOld` drops the others from the JWKS. */
  async rotateKey(options: { retireOld?: boolean } = {}): Promise<SigningKey> {
    const key = await newSigningKey();
    if (options.retireOld) this.published.splice(0, this.published.length);
    this.published.push(key);
    return key;
  }

  /**
   * The login initiation Canvas would send for this launch. The spec is remembered under its
   * `lti_message_hint`; a user without `sub` gets one (written back into `spec.user`).
   */
  loginParams(spec: LaunchSpec): Record<string, string> {
    const hint = `hint-${randomUUID()}`;
    this.launches.set(hint, spec);
    const params: Record<string, string> = {
      iss: this.issuer,
      login_hint: spec.user.sub ?? (spec.user.sub = randomUUID()),
      client_id: spec.clientId ?? this.clientId,
      lti_message_hint: hint,
      canvas_region: 'unknown',
      canvas_environment: 'production',
    };
    if (!spec.omitLoginDeploymentId) params.lti_deployment_id = spec.deploymentId ?? this.deploymentId;
    if (spec.storageTarget) params.lti_storage_target = spec.storageTarget;
    return params;
  }

  /** A course page on this platform that launches the tool in an iframe (for browsers). */
  coursePageUrl(toolBaseUrl: string, spec: LaunchSpec): string {
    const fields = { ...this.loginParams(spec), target_link_uri: spec.targetLinkUri ?? `${toolBaseUrl}/lti/launch` };
    const id = randomUUID();
    this.pages.set(id, { loginUrl: `${toolBaseUrl}/lti/login`, fields, storage: spec.storageTarget !== undefined });
    return `${this.baseUrl}/courses/${id}`;
  }

  /** Login → auth → form_post, as a browser inside Canvas would do it, one hop at a time. */
  async launch(browser: BrowserLike, toolBaseUrl: string, spec: LaunchSpec): Promise<SimLaunch> {
    const form = { ...this.loginParams(spec), target_link_uri: spec.targetLinkUri ?? `${toolBaseUrl}/lti/launch` };
    const login = await browser.request(`${toolBaseUrl}/lti/login`, { form });
    if (login.status !== 302 || !login.location?.startsWith(this.authEndpoint)) return { login, final: login };
    const authorize = await browser.request(login.location);
    if (authorize.status !== 200) return { login, authorize, final: authorize };
    const post = parseForm(authorize.body);
    const launch = await browser.request(post.action, { form: post.fields });
    return { login, authorize, form: post, launch, final: launch };
  }

  /** The auth step alone: what Canvas would post back for this auth URL (for tests that tamper in between). */
  async authorize(authUrl: string): Promise<{ action: string; fields: Record<string, string> }> {
    const response = await fetch(authUrl, { redirect: 'manual' });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`simulated Canvas refused the auth request: ${response.status} ${body}`);
    return parseForm(body);
  }

  /** Signs arbitrary claims with the platform's key (or forges them, per `tamper`). */
  sign(claims: Record<string, unknown>, tamper: TokenTamper = {}): Promise<string> {
    return signToken(applyTamper(claims, tamper), this.signingKey, tamper, this.stranger);
  }

  issueRegistrationToken(): string {
    const token = randomBytes(24).toString('base64url');
    this.registrationTokens.add(token);
    return token;
  }

  /** The URL Canvas opens in its iframe when an admin pastes LaunchGate's registration URL. */
  registrationUrl(toolRegisterUrl: string): string {
    const url = new URL(toolRegisterUrl);
    url.searchParams.set('openid_configuration', this.openidConfigurationUrl);
    url.searchParams.set('registration_token', this.issueRegistrationToken());
    return url.toString();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const json = (status: number, body: unknown) => send(status, 'application/json', JSON.stringify(body));

    if (req.method === 'GET' && url.pathname === '/api/lti/security/jwks') {
      this.jwksFetches += 1;
      if (this.jwksDelayMs > 0) await new Promise((r) => setTimeout(r, this.jwksDelayMs));
      json(200, { keys: this.published.map((k) => k.publicJwk) });
      return;
    }
    if ((req.method === 'GET' || req.method === 'POST') && url.pathname === '/api/lti/authorize_redirect') {
      const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
      const answer = await this.answerAuthRequest(Object.fromEntries(params));
      if ('error' in answer) send(400, 'text/plain', answer.error);
      else send(200, 'text/html', answer.html);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/lti/security/openid-configuration') {
      if (!this.authorized(req)) return json(401, { errors: [{ message: 'registration token required' }] });
      json(200, this.openidConfiguration());
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/lti/registrations') {
      if (!this.authorized(req)) return json(401, { errors: [{ message: 'registration token required' }] });
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return json(400, { errors: [{ message: 'body is not JSON' }] });
      }
      const problems = validateRegistrationRequest(body, { scopesSupported: SCOPES_SUPPORTED });
      if (problems.length > 0) {
        this.rejectedRegistrations.push(problems);
        return json(422, { errors: problems.map((message) => ({ message })) });
      }
      const n = this.registrations.length + 2;
      const clientId = String(10000000000000 + n);
      const deploymentId = `${n}:${randomBytes(20).toString('hex')}`;
      const request = body as Record<string, unknown>;
      this.registrations.push({ clientId, deploymentId, request });
      this.clientIds.add(clientId);
      const tool = request['https://purl.imsglobal.org/spec/lti-tool-configuration'] as Record<string, unknown>;
      json(200, { ...request, client_id: clientId, 'https://purl.imsglobal.org/spec/lti-tool-configuration': { ...tool, deployment_id: deploymentId } });
      return;
    }
    if (req.method === 'GET' && url.pathname.startsWith('/courses/')) {
      const page = this.pages.get(url.pathname.slice('/courses/'.length));
      if (!page) return send(404, 'text/plain', 'no such course');
      send(200, 'text/html', coursePage(page.loginUrl, page.fields, page.storage));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/post_message_forwarding') {
      send(200, 'text/html', storageFramePage());
      return;
    }
    if (req.method === 'POST' && url.pathname === '/__storage-events') {
      try {
        const event = JSON.parse(await readBody(req)) as { subject: string; origin: string };
        this.storageEvents.push({ subject: String(event.subject), origin: String(event.origin) });
      } catch {
        // ignore malformed reports
      }
      send(204, 'text/plain', '');
      return;
    }
    send(404, 'text/plain', 'not found');
  }

  private authorized(req: http.IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') && this.registrationTokens.has(header.slice('Bearer '.length));
  }

  private openidConfiguration(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      authorization_endpoint: this.authEndpoint,
      registration_endpoint: this.registrationEndpoint,
      jwks_uri: this.jwksUrl,
      token_endpoint: this.tokenEndpoint,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      scopes_supported: SCOPES_SUPPORTED,
      response_types_supported: ['id_token'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email', 'locale'],
      subject_types_supported: ['public'],
      authorization_server: new URL(this.baseUrl).host,
      'https://purl.imsglobal.org/spec/lti-platform-configuration': {
        product_family_code: 'canvas',
        version: 'vCloud',
        messages_supported: [{ type: 'LtiResourceLinkRequest', placements: ['account_navigation', 'course_navigation'] }],
        'https://canvas.instructure.com/lti/account_name': this.accountName,
        'https://canvas.instructure.com/lti/account_lti_guid': this.platformGuid,
      },
    };
  }

  /** Checks the auth request as Canvas does, then builds the form_post with a signed id_token. */
  private async answerAuthRequest(p: Record<string, string>): Promise<{ html: string } | { error: string }> {
    const required = ['scope', 'response_type', 'response_mode', 'prompt', 'client_id', 'redirect_uri', 'login_hint', 'state', 'nonce', 'lti_message_hint'];
    const missing = required.filter((name) => !p[name]);
    if (missing.length > 0) return { error: `invalid_request: missing ${missing.join(', ')}` };
    if (p.scope !== 'openid' || p.response_type !== 'id_token' || p.response_mode !== 'form_post' || p.prompt !== 'none') {
      return { error: 'invalid_request: scope, response_type, response_mode or prompt is wrong' };
    }
    if (!this.clientIds.has(p.client_id!)) return { error: 'unauthorized_client: unknown client_id' };
    let redirect: URL;
    try {
      redirect = new URL(p.redirect_uri!);
    } catch {
      return { error: 'invalid_request: redirect_uri is not a URL' };
    }
    if (redirect.pathname !== '/lti/launch') return { error: 'invalid_request: redirect_uri is not registered on the developer key' };
    const spec = this.launches.get(p.lti_message_hint!);
    if (!spec) return { error: 'invalid_request: unknown lti_message_hint' };
    if (spec.user.sub !== p.login_hint) return { error: 'login_required: login_hint is not the signed-in user' };
    this.authRequests.push(p);

    const claims = canvasClaims({
      issuer: this.issuer,
      clientId: p.client_id!,
      deploymentId: spec.deploymentId ?? this.deploymentId,
      nonce: p.nonce!,
      user: { ...spec.user, sub: spec.user.sub },
      privacy: spec.privacy ?? 'public',
      targetLinkUri: spec.targetLinkUri ?? p.redirect_uri!,
      context: spec.context === undefined ? { id: 'course-biology-101', label: 'BIO101', title: 'Biology 101' } : spec.context,
      custom: spec.custom ?? DEFAULT_CUSTOM,
      platformGuid: this.platformGuid,
      nowSeconds: Math.floor(this.now().getTime() / 1000),
    });
    const idToken = await this.sign(claims, spec.tamper);
    const fields: Record<string, string> = { id_token: idToken, state: p.state! };
    if (spec.storageTarget) fields.lti_storage_target = spec.storageTarget;
    return { html: autoPostForm(p.redirect_uri!, fields) };
  }
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}


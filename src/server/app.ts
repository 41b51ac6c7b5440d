/**
 * The Express app factory: everything wired, nothing listening, so tests drive it on port 0.
 */
import { randomUUID } from 'node:crypto';
import { RandomPool } from './random-pool';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ProductCatalog } from '../provisioning/product';
import type { Store } from '../store/port';
import { createAdminApiRouter } from '../admin/api';
import { createConsoleRouter } from '../admin/console';
import { createLaunchSink } from './launch-completion';
import type { Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import type { PartnerModule } from './partner-module';
import { productPageHandler } from './product-page';
import type { SigningKeys } from './secrets';
import { FormBodyError } from './form-body';
import { LaunchRoutes } from './launch-routes';
import { html, page } from './html';
import { framableHelmet, recordSecurityHeaders, strictHelmet } from './security-headers';
import type { LaunchSink } from '../identity/launch-sink';
import { isLocalHttp, type Config } from './config';

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  products: ProductCatalog;
  keys: SigningKeys;
  partners?: PartnerModule[];
  now?: () => Date;
  resolveTxt?: (name: string) => Promise<string[][]>;
  metrics?: Metrics;
}

export interface BuiltApp {
  app: Express;
  sink: LaunchSink;
  metrics: Metrics;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Pages a partner shows inside its own iframe (Canvas) must be framable by any origin. */
const FRAMABLE_PREFIXES = ['/lti', '/auth', '/product', '/sandbox', '/launch'];

export async function createApp(deps: AppDeps): Promise<BuiltApp> {
  const now = deps.now ?? (() => new Date());
  const { config, store, logger } = deps;
  const metrics = deps.metrics ?? createMetrics({ defaultMetrics: config.nodeEnv !== 'test' });
  const issuer = config.publicUrl.origin;
  const app = express();
  const nonces = new RandomPool();
  app.disable('x-powered-by');
  // Every launch answer is no-store: an ETag (a hash of each body) would only cost CPU.
  app.set('etag', false);
  const logRequests = logger.isLevelEnabled('debug');
  // Whose X-Forwarded-For names the client (req.ip, which the sign-in throttle counts by): TRUST_PROXY, loopback by default.
  app.set('trust proxy', config.trustProxy);

  const strictHeaders = recordSecurityHeaders(strictHelmet());
  const framableHeaders = recordSecurityHeaders(framableHelmet());
  // One middleware for what every response gets: each layer Express walks costs every request.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const cspNonce = nonces.base64(16);
    res.locals.requestId = requestId;
    res.locals.cspNonce = cspNonce;
    res.setHeader('X-Request-Id', requestId);
    const framable = FRAMABLE_PREFIXES.some((p) => req.path === p || req.path.startsWith(p + '/'));
    (framable ? framableHeaders : strictHeaders).apply(res, cspNonce);
    // A listener per request costs every request; only a debug log reads it.
    if (logRequests) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        logger.debug(
          { requestId, method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
          'request',
        );
      });
    }
    next();
  });
  const launchRoutes = new LaunchRoutes(app);
  app.use(launchRoutes.middleware());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await store.ping();
      res.json({ status: 'ready', store: store.kind });
    } catch (err) {
      metrics.storeErrors.inc({ operation: 'ping' });
      logger.warn({ err }, 'store not reachable');
      res.status(503).json({ status: 'unavailable', store: store.kind });
    }
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json({ keys: [deps.keys.publicJwk] });
  });

  for (const product of deps.products.products) {
    const local = new URL(product.launchUrl);
    if (local.origin === config.publicUrl.origin && local.pathname.startsWith('/product/')) {
      launchRoutes.get(local.pathname, productPageHandler(product, { keys: deps.keys, issuer, ephemeral: store.ephemeral, now }));
    }
  }

  // Partner endpoints an admin enters are fetched by this server: in production, none on a private network.
  const refusePrivateHosts = config.nodeEnv === 'production';
  app.use(
    '/api/v1',
    createAdminApiRouter({ store, products: deps.products, resolveTxt: deps.resolveTxt, now, logger, refusePrivateHosts }),
  );

  const sink = createLaunchSink({ store, products: deps.products, keys: deps.keys, issuer, logger, metrics, now });
  const partners = deps.partners ?? [];
  for (const partner of partners) {
    await partner.mount(app, { sink, routes: launchRoutes, ephemeral: store.ephemeral, logger: logger.child({ partner: partner.name }), publicUrl: config.publicUrl, localHttp: isLocalHttp(config), now });
  }

  app.use('/admin', createConsoleRouter({ store, products: deps.products, publicUrl: config.publicUrl, localHttp: isLocalHttp(config), now, resolveTxt: deps.resolveTxt, logger, refusePrivateHosts }));

  app.get('/', (_req, res) => {
    res.type('html').send(
      page({
        title: 'LaunchGate',
        body: html`<h1>LaunchGate is running</h1>
<p>School portals (Canvas, Clever, ClassLink) launch users here; LaunchGate gives them access just in time.</p>
<ul>
<li><a href="/admin">Admin console</a>: sign in to set up portals, domains, just-in-time provisioning and licenses</li>
<li>Admin API: <span class="code">/api/v1</span> (<a href="/api/v1/openapi.json">OpenAPI document</a>)</li>
<li>Health: <a href="/healthz">/healthz</a>, readiness: <a href="/readyz">/readyz</a>, metrics: <a href="/metrics">/metrics</a></li>
</ul>`,
      }),
    );
  });

  app.use((req: Request, res: Response) => {
    res.status(404).type('html').send(page({ title: 'Not found', body: html`<h1>Not found</h1><p>There is nothing at ${req.path}.</p>` }));
  });
  // Express needs four parameters to recognise an error handler.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof FormBodyError) {
      logger.warn({ requestId: res.locals.requestId, path: req.path, code: err.code, cause: err.message }, 'form refused');
      if (res.headersSent) return;
      res.status(err.status).type('html').send(
        page({ title: 'The form could not be read', body: html`<h1>The form could not be read</h1><p>${err.message}.</p><p>Request ${String(res.locals.requestId)}.</p>` }),
      );
      return;
    }
    logger.error({ err, requestId: res.locals.requestId, path: req.path }, 'unhandled error');
    if (res.headersSent) return;
    res.status(500).type('html').send(
      page({ title: 'Something went wrong', body: html`<h1>Something went wrong</h1><p>Request ${String(res.locals.requestId)}.</p>` }),
    );
  });

  return {
    app,
    sink,
    metrics,
    async close() {
      for (const partner of partners) await partner.close?.();
    },
  };
}

/**
 * The admin console: server-rendered pages over the same admin services as the API and the CLI,
 * mounted by the server at /admin. Works without JavaScript; every change is a form post that
 * carries the session's CSRF token.
 */
import express, { type RequestHandler, type Router } from 'express';
import { SessionStore, SignIn } from '../accounts';
import { createAdminServices } from '../services';
import type { ConsoleDeps, ConsoleRuntime } from './deps';
import { checkOrigin, consoleErrorHandler, errorPage, loadSession, requireCsrf, requireSignedIn } from './http';
import { auditRoutes } from './routes/audit';
import { authRoutes, signOutRoute } from './routes/auth';
import { directoryRoutes } from './routes/directory';
import { overviewRoutes } from './routes/overview';
import { productRoutes } from './routes/products';
import { tokenRoutes } from './routes/tokens';
import { userRoutes } from './routes/users';

export type { ConsoleDeps } from './deps';

const onPost =
  (handler: RequestHandler): RequestHandler =>
  (req, res, next) =>
    req.method === 'GET' || req.method === 'HEAD' ? next() : handler(req, res, next);

export function createConsoleRouter(deps: ConsoleDeps): Router {
  const now = deps.now ?? (() => new Date());
  const services = createAdminServices({ store: deps.store, products: deps.products, resolveTxt: deps.resolveTxt, now, refusePrivateHosts: deps.refusePrivateHosts });
  const accounts = deps.store;
  const rt: ConsoleRuntime = {
    deps,
    now,
    services,
    accountDeps: { admin: services.deps, accounts, scrypt: deps.scrypt },
    sessions: new SessionStore(deps.store.ephemeral, now, deps.sessionPolicy),
    signIn: new SignIn({ accounts, ephemeral: deps.store.ephemeral, now, policy: deps.signInPolicy, scrypt: deps.scrypt }),
    logger: deps.logger,
  };

  const router = express.Router();
  router.use((_req, res, next) => {
    // Pages show personal data and tokens: never cached. `same-origin` rather than the app's
    // `no-referrer`: under no-referrer browsers send `Origin: null` with form posts, and the
    // origin check of every post needs the real origin. Other sites still get no referrer.
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'same-origin');
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  router.use(loadSession(rt));
  router.use(onPost(checkOrigin(rt)));

  authRoutes(rt, router);

  router.use(requireSignedIn);
  router.use(onPost(requireCsrf));
  signOutRoute(rt, router);
  overviewRoutes(rt, router);
  directoryRoutes(rt, router);
  userRoutes(rt, router);
  productRoutes(rt, router);
  auditRoutes(rt, router);
  tokenRoutes(rt, router);

  router.use((_req, res) => {
    errorPage(res, 404, 'Not found', 'There is no such page in the console.', res.locals.consoleSigned);
  });
  router.use(consoleErrorHandler(rt));
  return router;
}

/**
 * The sandbox's routes, under /sandbox:
 *   GET  /                          pick a partner and a persona
 *   POST /launches                  remember the choice, go to its launch page
 *   GET  /launches/:id              the partner's page in a frame, and the decision beside it
 *   GET  /launches/:id/start/:entry a new attempt: to the course page, the portal, or "Log in with …"
 *   GET  /launches/:id/result(.json) the decision of the latest attempt and its audit event
 *   GET  /assets/sandbox.js
 * The pages set their own Content-Security-Policy: like LaunchGate's (no inline script), plus the
 * simulators' origins as frame sources.
 */
import express, { type Request, type Response, type Router } from 'express';
import { PARTNERS, type Partner } from '../identity/launch-identity';
import type { ProductCatalog } from '../provisioning/product';
import type { Store } from '../store/port';
import { SANDBOX_JS } from './assets';
import type { SandboxDemo } from './demo';
import { ENTRIES, findLaunchEvent, type Entry, type LaunchBook, type SandboxLaunch } from './launches';
import { findPersona, parseCustomPersona, PERSONAS, type FieldProblem, type Persona } from './personas';
import { resultOf } from './result';
import type { SandboxSimulators } from './simulators';
import { PARTNER_NAMES, tenantKey } from './tenants';
import { EMPTY_FORM, homePage, launchPage, notFoundPage, resultPage, type DemoSummary, type HomeForm, type PartnerOption, type StartLink } from './views';

export interface SandboxRoutesDeps {
  store: Store;
  products: ProductCatalog;
  sims: SandboxSimulators;
  book: LaunchBook;
  demo: SandboxDemo;
}

const DESCRIPTIONS: Record<Partner, string> = {
  canvas: 'LTI 1.3: a course page launches LaunchGate in an iframe (login initiation, OIDC auth, signed id_token).',
  clever: 'OAuth 2.0: from the Clever portal’s app tile (a code, no state) or a “Log in with Clever” button.',
  classlink: 'OAuth 2.0: from the LaunchPad app tile (a code, no state) or a “Log in with ClassLink” button.',
};

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function contentSecurityPolicy(frameOrigins: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `frame-src 'self' ${frameOrigins.join(' ')}`,
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

async function demoSummary(deps: SandboxRoutesDeps): Promise<DemoSummary> {
  const { store, demo } = deps;
  const product = deps.products.defaultProduct;
  const org = (await store.getOrganization(demo.org.id)) ?? demo.org;
  const [entitlement, used, directories] = await Promise.all([
    store.getEntitlement(org.id, product.id),
    store.countLicenses(org.id, product.id),
    store.listDirectories(org.id),
  ]);
  return {
    orgName: org.name,
    productName: product.name,
    // null: unlimited; no entitlement at all: no seats.
    seats: entitlement === null ? 0 : entitlement.seats,
    used,
    directories: await Promise.all(
      directories.map(async (d) => ({
        name: d.name,
        jitEnabled: d.jitEnabled,
        domains: (await store.listDomains({ directoryId: d.id })).map((dom) => ({ name: dom.name, verified: dom.status === 'verified' })),
        connections: (await store.listConnections({ directoryId: d.id })).map((c) => ({ label: c.label ?? PARTNER_NAMES[c.partner], enabled: c.enabled })),
      })),
    ),
  };
}

function startLinks(partner: Partner): StartLink[] {
  if (partner === 'canvas') {
    return [{ entry: 'course', label: 'Open the course page again', explanation: 'Each opening is a new launch: a new login initiation, state, nonce and id_token.' }];
  }
  const name = PARTNER_NAMES[partner];
  return [
    { entry: 'portal', label: `Open the ${name} portal`, explanation: `Portal-initiated: click the app’s tile there. ${name} sends only a code (no state); LaunchGate never exchanges it and starts a fresh authorization, which ${name} answers at once.` },
    { entry: 'log-in-with', label: `Log in with ${name}`, explanation: `SP-initiated, as from the app’s sign-in page: LaunchGate sends you to ${name} with a state bound to this browser, exchanges the code and reads the user.` },
  ];
}

function entriesOf(partner: Partner): readonly Entry[] {
  return partner === 'canvas' ? ['course'] : ['portal', 'log-in-with'];
}

export function sandboxRouter(deps: SandboxRoutesDeps): Router {
  const { sims, book, store } = deps;
  const router = express.Router();
  const csp = contentSecurityPolicy(sims.origins());
  router.use((_req, res, next) => {
    res.set('Content-Security-Policy', csp);
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }));

  const partnerOptions = (): PartnerOption[] =>
    PARTNERS.map((partner) => ({
      partner,
      available: sims.simulates(partner),
      description: sims.simulates(partner) ? DESCRIPTIONS[partner] : `A real ${PARTNER_NAMES[partner]} app is configured, so the sandbox does not simulate it.`,
    }));

  const renderHome = async (res: Response, form: HomeForm, status = 200) => {
    res.status(status).type('html').send(homePage({ partners: partnerOptions(), personas: PERSONAS, form, demo: await demoSummary(deps) }));
  };

  const launchOf = (req: Request, res: Response): SandboxLaunch | null => {
    const launch = book.get(text(req.params.id));
    if (launch === undefined) res.status(404).type('html').send(notFoundPage());
    return launch ?? null;
  };

  router.get('/', async (_req, res) => {
    await renderHome(res, EMPTY_FORM);
  });

  router.post('/launches', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const form: HomeForm = {
      partner: text(body.partner),
      persona: text(body.persona),
      custom: { name: text(body.name), email: text(body.email), role: text(body.role) || 'student', district: text(body.district) || 'lincoln' },
      problems: [],
    };
    const problems: FieldProblem[] = [];
    const partner = PARTNERS.find((p) => p === form.partner);
    if (partner === undefined || !sims.simulates(partner)) problems.push({ field: 'partner', message: 'Pick a portal the sandbox simulates.' });
    let persona: Persona | undefined;
    if (form.persona === 'custom') {
      const parsed = parseCustomPersona(body);
      if ('problems' in parsed) problems.push(...parsed.problems);
      else persona = parsed.persona;
    } else {
      persona = findPersona(form.persona);
      if (persona === undefined) problems.push({ field: 'persona', message: 'Pick who is launching.' });
    }
    if (problems.length > 0 || partner === undefined || persona === undefined) {
      await renderHome(res, { ...form, problems }, 400);
      return;
    }
    const subject = sims.enroll(partner, persona);
    const launch = book.create({ partner, persona, subject, tenant: tenantKey(partner, persona.district) });
    res.redirect(303, `/sandbox/launches/${launch.id}`);
  });

  router.get('/launches/:id', async (req, res) => {
    const launch = launchOf(req, res);
    if (launch === null) return;
    const base = `/sandbox/launches/${launch.id}`;
    const intro =
      launch.partner === 'canvas'
        ? 'Below, a course page of the simulated Canvas launches LaunchGate in its iframe, as Canvas does. The decision appears on the right.'
        : `Below is the ${PARTNER_NAMES[launch.partner]} portal, signed in as this person: click the app’s tile, or use “Log in with ${PARTNER_NAMES[launch.partner]}”. The decision appears on the right.`;
    res.type('html').send(
      launchPage({
        launch,
        links: startLinks(launch.partner),
        frameSrc: `${base}/start/${entriesOf(launch.partner)[0]!}`,
        intro,
        result: resultOf(await findLaunchEvent(store, launch)),
      }),
    );
  });

  router.get('/launches/:id/start/:entry', (req, res) => {
    const launch = launchOf(req, res);
    if (launch === null) return;
    const entry = ENTRIES.find((e) => e === req.params.entry);
    if (entry === undefined || !entriesOf(launch.partner).includes(entry)) {
      res.status(404).type('html').send(notFoundPage());
      return;
    }
    book.attempt(launch, entry);
    const { partner, persona } = launch;
    let target: string;
    if (partner === 'canvas') target = sims.coursePage(persona);
    else target = entry === 'portal' ? sims.portalHome(partner, persona) : sims.logInWith(partner, persona);
    res.redirect(303, target);
  });

  router.get('/launches/:id/result.json', async (req, res) => {
    const launch = book.get(text(req.params.id));
    if (launch === undefined) {
      res.status(404).json({ error: { code: 'not_found', message: 'No such sandbox launch (the sandbox forgets them when it restarts).' } });
      return;
    }
    res.json(resultOf(await findLaunchEvent(store, launch)));
  });

  router.get('/launches/:id/result', async (req, res) => {
    const launch = launchOf(req, res);
    if (launch === null) return;
    res.type('html').send(resultPage({ launch, result: resultOf(await findLaunchEvent(store, launch)) }));
  });

  router.get('/assets/sandbox.js', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('application/javascript').send(SANDBOX_JS);
  });

  router.use((_req, res) => {
    res.status(404).type('html').send(notFoundPage());
  });
  return router;
}

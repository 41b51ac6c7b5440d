/** The console's home: the operator's organizations, or the organization admin's own overview. */
import type { Router } from 'express';
import type { ConsoleRuntime } from '../deps';
import { action, callMeta, formText, param, render, signedOf } from '../http';
import { dirPath, orgNav, orgPath } from '../nav';
import { organizationsBody, overviewBody, type DirectorySummary } from '../views/overview';

const DAY_MS = 24 * 60 * 60_000;

export function overviewRoutes(rt: ConsoleRuntime, router: Router): void {
  const { services } = rt;

  router.get('/', async (_req, res) => {
    const signed = signedOf(res);
    if (signed.actor.kind === 'org_admin') {
      res.redirect(303, orgPath(signed.actor.orgId));
      return;
    }
    const orgs = await services.listOrganizations(signed.actor);
    await render(rt, res, { title: 'Organizations', body: organizationsBody(orgs, signed.session.csrf), current: '/admin' });
  });

  router.post(
    '/orgs',
    action(rt, () => '/admin', async (req, res, signed) => {
      const org = await services.createOrganization(signed.actor, { name: formText(req, 'name') }, callMeta(res));
      return { redirect: orgPath(org.id), flash: { kind: 'success', text: `Created the organization “${org.name}”.` } };
    }),
  );

  router.get('/orgs/:orgId', async (req, res) => {
    const signed = signedOf(res);
    const nav = await orgNav(rt, signed, param(req, 'orgId'));
    const { actor } = signed;
    const since = new Date(rt.now().getTime() - DAY_MS);
    const directories: DirectorySummary[] = await Promise.all(
      nav.directories.map(async (directory) => {
        const [domains, connections, users] = await Promise.all([
          services.listDomains(actor, directory.id),
          services.listDirectoryConnections(actor, directory.id),
          services.listDirectoryUsers(actor, directory.id, {}, { limit: 1, offset: 0 }),
        ]);
        return {
          directory,
          domainsVerified: domains.filter((d) => d.status === 'verified').length,
          domainsTotal: domains.length,
          connections: connections.length,
          users: users.total,
        };
      }),
    );
    const [entitlements, allowed, refused] = await Promise.all([
      services.listEntitlements(actor, nav.org.id),
      services.countAuditEvents(actor, nav.org.id, { kind: 'launch', decision: 'allowed', since }),
      services.countAuditEvents(actor, nav.org.id, { kind: 'launch', decision: 'refused', since }),
    ]);
    await render(rt, res, {
      title: `${nav.org.name}: overview`,
      nav,
      current: orgPath(nav.org.id),
      body: overviewBody({
        org: nav.org,
        directories,
        entitlements,
        products: services.listProducts(actor),
        launches24h: { allowed, refused },
        csrf: signed.session.csrf,
        since,
      }),
    });
  });

  router.post(
    '/orgs/:orgId/directories',
    action(rt, (req) => orgPath(param(req, 'orgId')), async (req, res, signed) => {
      const directory = await services.createDirectory(signed.actor, param(req, 'orgId'), { name: formText(req, 'name') }, callMeta(res));
      return { redirect: dirPath(directory.id, '/settings'), flash: { kind: 'success', text: `Added the directory “${directory.name}”.` } };
    }),
  );
}

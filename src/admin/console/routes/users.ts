/** Users: search, detail, licenses by hand, block and unblock. */
import type { Router } from 'express';
import type { Connection } from '../../../store/model';
import type { ConsoleRuntime } from '../deps';
import { action, callMeta, formText, param, queryText, render, signedOf } from '../http';
import { dirPath, orgNav, userPath } from '../nav';
import { userBody, usersBody } from '../views/users';

const PAGE = 50;

export function userRoutes(rt: ConsoleRuntime, router: Router): void {
  const { services } = rt;

  router.get('/directories/:directoryId/users', async (req, res) => {
    const signed = signedOf(res);
    const directory = await services.getDirectory(signed.actor, param(req, 'directoryId'));
    const nav = await orgNav(rt, signed, directory.orgId);
    const search = queryText(req, 'q').trim().slice(0, 200);
    const offset = /^\d{1,7}$/.test(queryText(req, 'offset')) ? Number(queryText(req, 'offset')) : 0;
    const page = await services.listDirectoryUsers(signed.actor, directory.id, { search }, { limit: PAGE, offset });
    await render(rt, res, {
      title: `Users: ${directory.name}`,
      nav,
      current: dirPath(directory.id, '/users'),
      body: usersBody({
        directory,
        users: page.items,
        total: page.total,
        search,
        offset,
        limit: PAGE,
        products: services.listProducts(signed.actor),
        csrf: signed.session.csrf,
      }),
    });
  });

  router.post(
    '/directories/:directoryId/licenses',
    action(rt, (req) => dirPath(param(req, 'directoryId'), '/users'), async (req, res, signed) => {
      const result = await services.assignLicense(
        signed.actor,
        param(req, 'directoryId'),
        { email: formText(req, 'email'), productId: formText(req, 'productId'), givenName: formText(req, 'givenName'), familyName: formText(req, 'familyName') },
        callMeta(res),
      );
      const product = services.listProducts(signed.actor).find((p) => p.id === result.license.productId)?.name ?? result.license.productId;
      const text = result.licenseCreated
        ? `Assigned a ${product} license to ${result.user.email}${result.userCreated ? ' (new user)' : ''}.`
        : `${result.user.email} already holds a ${product} license.`;
      return { redirect: userPath(result.user.id), flash: { kind: 'success', text } };
    }),
  );

  router.get('/users/:userId', async (req, res) => {
    const signed = signedOf(res);
    const user = await services.getUser(signed.actor, param(req, 'userId'));
    const directory = await services.getDirectory(signed.actor, user.directoryId);
    const nav = await orgNav(rt, signed, user.orgId);
    const connections = new Map<string, Connection>();
    for (const identity of user.externalIdentities) {
      if (connections.has(identity.connectionId)) continue;
      try {
        connections.set(identity.connectionId, await services.getConnection(signed.actor, identity.connectionId));
      } catch {
        // Unlinked since: the identity row is shown without its tenant.
      }
    }
    const launches = await services.listAuditEvents(signed.actor, user.orgId, { userId: user.id, kind: 'launch' }, { limit: 10, offset: 0 });
    await render(rt, res, {
      title: user.email ?? 'User',
      nav,
      current: dirPath(directory.id, '/users'),
      body: userBody({ user, directory, connections, launches: launches.items, products: services.listProducts(signed.actor), csrf: signed.session.csrf }),
    });
  });

  router.post(
    '/users/:userId/status',
    action(rt, (req) => userPath(param(req, 'userId')), async (req, res, signed) => {
      const status = formText(req, 'status') === 'blocked' ? 'blocked' : 'active';
      const user = await services.setUserStatus(signed.actor, param(req, 'userId'), status, callMeta(res));
      return { redirect: userPath(user.id), flash: { kind: 'success', text: status === 'blocked' ? `Blocked ${user.email ?? 'the user'}.` : `Unblocked ${user.email ?? 'the user'}.` } };
    }),
  );

  router.post(
    '/users/:userId/licenses/:productId/revoke',
    action(rt, (req) => userPath(param(req, 'userId')), async (req, res, signed) => {
      await services.revokeLicense(signed.actor, param(req, 'userId'), param(req, 'productId'), callMeta(res));
      const product = services.listProducts(signed.actor).find((p) => p.id === param(req, 'productId'))?.name ?? param(req, 'productId');
      return { redirect: userPath(param(req, 'userId')), flash: { kind: 'success', text: `Revoked the ${product} license.` } };
    }),
  );
}

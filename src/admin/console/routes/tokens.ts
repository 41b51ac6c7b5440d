/** API tokens and admin accounts of an organization. */
import type { Request, Router } from 'express';
import { createAdminAccount, listAdminAccounts, setAdminAccountDisabled } from '../../accounts';
import { AdminError } from '../../services/errors';
import type { ConsoleRuntime, Signed } from '../deps';
import { action, callMeta, formText, param, render, signedOf } from '../http';
import { orgNav, orgPath } from '../nav';
import { adminsBody } from '../views/admins';
import { tokensBody } from '../views/tokens';

/** Where to go back to when an action on a token or an account is refused. */
const home = (_req: Request, signed: Signed) => (signed.actor.kind === 'org_admin' ? orgPath(signed.actor.orgId, '/admins') : '/admin');
const tokensHome = (_req: Request, signed: Signed) => (signed.actor.kind === 'org_admin' ? orgPath(signed.actor.orgId, '/tokens') : '/admin');

export function tokenRoutes(rt: ConsoleRuntime, router: Router): void {
  const { services } = rt;

  router.get('/orgs/:orgId/tokens', async (req, res) => {
    const signed = signedOf(res);
    const nav = await orgNav(rt, signed, param(req, 'orgId'));
    const tokens = await services.listApiTokens(signed.actor, nav.org.id);
    await render(rt, res, { title: 'API tokens', nav, current: orgPath(nav.org.id, '/tokens'), body: tokensBody(nav.org, tokens, signed.session.csrf) });
  });

  // Not post/redirect/get: the token is shown in this answer only, so it never sits in a session or a URL.
  router.post('/orgs/:orgId/tokens', async (req, res) => {
    const signed = signedOf(res);
    const nav = await orgNav(rt, signed, param(req, 'orgId'));
    try {
      const created = await services.createApiToken(signed.actor, nav.org.id, { name: formText(req, 'name') }, callMeta(res));
      const tokens = await services.listApiTokens(signed.actor, nav.org.id);
      await render(rt, res, { title: 'API tokens', nav, current: orgPath(nav.org.id, '/tokens'), status: 201, body: tokensBody(nav.org, tokens, signed.session.csrf, created) });
    } catch (error) {
      if (!(error instanceof AdminError && error.code === 'invalid_input')) throw error;
      const tokens = await services.listApiTokens(signed.actor, nav.org.id);
      await render(rt, res, {
        title: 'API tokens',
        nav,
        current: orgPath(nav.org.id, '/tokens'),
        status: 400,
        flash: [{ kind: 'error', text: error.message }],
        body: tokensBody(nav.org, tokens, signed.session.csrf),
      });
    }
  });

  router.post(
    '/tokens/:tokenId/revoke',
    action(rt, tokensHome, async (req, res, signed) => {
      const token = await services.revokeApiToken(signed.actor, param(req, 'tokenId'), callMeta(res));
      return { redirect: token.orgId ? orgPath(token.orgId, '/tokens') : '/admin', flash: { kind: 'success', text: `Revoked the token “${token.name}”. Programs using it are refused from now on.` } };
    }),
  );

  router.get('/orgs/:orgId/admins', async (req, res) => {
    const signed = signedOf(res);
    const nav = await orgNav(rt, signed, param(req, 'orgId'));
    const accounts = await listAdminAccounts(rt.accountDeps, signed.actor, nav.org.id);
    await render(rt, res, { title: 'Admins', nav, current: orgPath(nav.org.id, '/admins'), body: adminsBody(nav.org, accounts, signed.session.csrf, signed.account.id) });
  });

  router.post(
    '/orgs/:orgId/admins',
    action(rt, (req) => orgPath(param(req, 'orgId'), '/admins'), async (req, res, signed) => {
      const account = await createAdminAccount(
        rt.accountDeps,
        signed.actor,
        { email: formText(req, 'email'), password: formText(req, 'password'), role: 'org_admin', orgId: param(req, 'orgId') },
        callMeta(res),
      );
      return { redirect: orgPath(param(req, 'orgId'), '/admins'), flash: { kind: 'success', text: `Added ${account.email} as an admin.` } };
    }),
  );

  for (const verb of ['disable', 'enable'] as const) {
    router.post(
      `/accounts/:accountId/${verb}`,
      action(rt, home, async (req, res, signed) => {
        const account = await setAdminAccountDisabled(rt.accountDeps, signed.actor, param(req, 'accountId'), verb === 'disable', callMeta(res));
        return {
          redirect: account.orgId ? orgPath(account.orgId, '/admins') : '/admin',
          flash: { kind: 'success', text: `${verb === 'disable' ? 'Disabled' : 'Enabled'} ${account.email}.` },
        };
      }),
    );
  }
}

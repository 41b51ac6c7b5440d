/** Products and seats of an organization; the operator sets the seats. */
import type { Router } from 'express';
import { AdminError } from '../../services/errors';
import type { ConsoleRuntime } from '../deps';
import { action, callMeta, formChecked, formText, param, render, signedOf } from '../http';
import { orgNav, orgPath } from '../nav';
import { productsBody } from '../views/products';

export function productRoutes(rt: ConsoleRuntime, router: Router): void {
  const { services } = rt;

  router.get('/orgs/:orgId/products', async (req, res) => {
    const signed = signedOf(res);
    const nav = await orgNav(rt, signed, param(req, 'orgId'));
    const entitlements = await services.listEntitlements(signed.actor, nav.org.id);
    const items = await Promise.all(
      services.listProducts(signed.actor).map(async (product) => ({
        product,
        entitlement: entitlements.find((e) => e.productId === product.id),
        holders: await services.listLicenseHolders(signed.actor, nav.org.id, product.id),
      })),
    );
    await render(rt, res, {
      title: 'Products and seats',
      nav,
      current: orgPath(nav.org.id, '/products'),
      body: productsBody(nav.org, items, signed.session.csrf, signed.actor.kind === 'operator'),
    });
  });

  router.post(
    '/orgs/:orgId/products/:productId/seats',
    action(rt, (req) => orgPath(param(req, 'orgId'), '/products'), async (req, res, signed) => {
      let seats: number | null = null;
      if (!formChecked(req, 'unlimited')) {
        const raw = formText(req, 'seats').trim();
        if (!/^\d{1,9}$/.test(raw)) throw new AdminError('invalid_input', 'Enter a whole number of seats, or choose Unlimited.', 'seats');
        seats = Number(raw);
      }
      const e = await services.setEntitlement(signed.actor, param(req, 'orgId'), param(req, 'productId'), seats, callMeta(res));
      return {
        redirect: orgPath(e.orgId, '/products'),
        flash: { kind: 'success', text: `${e.productName}: ${seats === null ? 'unlimited seats' : `${seats} seats`}.` },
      };
    }),
  );
}

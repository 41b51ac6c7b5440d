/**
 * The built-in demo product: it does what a real product must do with an assertion (verify the
 * signature, issuer, audience and lifetime, and refuse a second use of the same jti) and shows who
 * signed in and how they got access.
 */
import type { Request, Response } from 'express';
import type { EphemeralStore } from '../store/port';
import { verifyAssertion } from './handoff';
import { html, page } from './html';
import { REASON_TEXT } from '../provisioning/reasons';
import type { SigningKeys } from './secrets';
import type { Product } from '../provisioning/product';

export interface ProductPageDeps {
  keys: SigningKeys;
  issuer: string;
  ephemeral: EphemeralStore;
  now: () => Date;
}

export function productPageHandler(product: Product, deps: ProductPageDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    res.set('Cache-Control', 'no-store');
    const token = typeof req.query.assertion === 'string' ? req.query.assertion : null;
    const refuse = (status: number, why: string) =>
      res.status(status).type('html').send(
        page({
          title: 'Sign-in could not be completed',
          className: 'refused',
          body: html`<h1>Sign-in could not be completed</h1><p>${why}</p><p>Open the app from your portal again.</p>`,
        }),
      );
    if (token === null) {
      refuse(400, `${product.name} is opened from your school portal (Canvas, Clever or ClassLink).`);
      return;
    }
    let claims;
    try {
      claims = await verifyAssertion(deps.keys, deps.issuer, product.id, token, deps.now());
    } catch {
      refuse(401, 'The sign-in link is not valid or has expired.');
      return;
    }
    const firstUse = await deps.ephemeral.putIfAbsent('assertion-jti', claims.jti, '1', new Date((claims.exp + 120) * 1000));
    if (!firstUse) {
      refuse(401, 'This sign-in link was already used.');
      return;
    }
    const access = REASON_TEXT[claims.access]?.admin ?? claims.access;
    res.type('html').send(
      page({
        title: product.name,
        className: 'ok',
        body: html`
<h1>${product.name}</h1>
<p>You are signed in as <strong data-testid="user-name">${claims.name ?? claims.email ?? claims.sub}</strong>.</p>
<dl>
  <dt>Email</dt><dd data-testid="user-email">${claims.email ?? '(none shared)'}</dd>
  <dt>Roles</dt><dd>${claims.roles.join(', ') || '(none)'}</dd>
  <dt>Signed in through</dt><dd data-testid="partner">${claims.partner}</dd>
  <dt>Access</dt><dd><span class="code" data-testid="access">${claims.access}</span> — ${access}</dd>
  <dt>Directory</dt><dd class="code">${claims.directory}</dd>
  <dt>Organization</dt><dd class="code">${claims.organization}</dd>
</dl>
<p class="muted">This is LaunchGate's built-in demo product. A real product verifies the same assertion against
<span class="code">/.well-known/jwks.json</span>.</p>`,
      }),
    );
  };
}

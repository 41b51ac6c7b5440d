/** Products and seats: entitlements per product, seats used, and who holds them. */
import { html } from '../../../server/html';
import type { Product } from '../../../provisioning/product';
import type { Organization } from '../../../store/model';
import type { EntitlementView, LicenseHolders } from '../../services';
import { orgPath, userPath } from '../nav';
import { csrfField, seatsText, time, userName } from './components';

export interface ProductSeats {
  product: Product;
  entitlement: EntitlementView | undefined;
  holders: LicenseHolders;
}

export function productsBody(org: Organization, items: ProductSeats[], csrf: string, isOperator: boolean) {
  return html`<h1>Products and seats</h1>
${items.map(({ product, entitlement, holders }) => {
  const id = `product-${product.id}`;
  return html`<section aria-labelledby="${id}">
<h2 id="${id}">${product.name}</h2>
<dl class="facts">
<dt>Seats</dt><dd>${entitlement ? html`${entitlement.seatsUsed} used of ${seatsText(entitlement.seats)}` : 'No entitlement: nobody can get a license.'}</dd>
<dt>Just-in-time</dt><dd>${product.jitEligible ? 'Licenses may be given just in time.' : 'Licenses are only assigned by an admin.'}</dd>
</dl>
${
  isOperator
    ? html`<form method="post" action="${orgPath(org.id, `/products/${encodeURIComponent(product.id)}/seats`)}">
${csrfField(csrf)}
<fieldset><legend>Seats for ${product.name}</legend>
<div class="field"><label for="${id}-seats">Number of seats</label><input id="${id}-seats" name="seats" type="number" min="0" step="1" value="${entitlement && entitlement.seats !== null ? String(entitlement.seats) : ''}"></div>
<label class="check" for="${id}-unlimited"><input type="checkbox" id="${id}-unlimited" name="unlimited"${entitlement && entitlement.seats === null ? html` checked` : ''}> Unlimited seats</label>
<p><button type="submit">Save seats</button></p></fieldset></form>`
    : ''
}
${
  holders.total === 0
    ? html`<p>Nobody holds a license.</p>`
    : html`<table><caption>Who holds ${product.name}${holders.total > holders.holders.length ? ` (first ${holders.holders.length} of ${holders.total})` : ''}</caption>
<thead><tr><th scope="col">User</th><th scope="col">Email</th><th scope="col">Given by</th><th scope="col">Since</th></tr></thead>
<tbody>${holders.holders.map(
        ({ license, user }) => html`<tr><td>${user ? html`<a href="${userPath(user.id)}">${userName(user)}</a>` : '—'}</td><td>${user?.email ?? '—'}</td>
<td>${license.source === 'jit' ? 'Just-in-time' : 'An admin'}</td><td>${time(license.createdAt)}</td></tr>`,
      )}</tbody></table>`
}
</section>`;
})}`;
}

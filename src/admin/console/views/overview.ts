/** The operator's list of organizations, and an organization's overview. */
import { html } from '../../../server/html';
import type { Product } from '../../../provisioning/product';
import type { Directory, Organization } from '../../../store/model';
import type { EntitlementView } from '../../services';
import { dirPath, orgPath } from '../nav';
import { csrfField, onOff, seatsText, textField, time } from './components';

export function organizationsBody(orgs: Organization[], csrf: string) {
  return html`<h1>Organizations</h1>
${
  orgs.length === 0
    ? html`<p>No organizations yet. Create the first one below.</p>`
    : html`<table><caption>Every organization of this deployment</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Created</th></tr></thead>
<tbody>${orgs.map((o) => html`<tr><td><a href="${orgPath(o.id)}">${o.name}</a></td><td>${time(o.createdAt)}</td></tr>`)}</tbody></table>`
}
<p>Audit: <a href="/admin/audit?org=none">Launches not tied to an organization</a> (from portal tenants nobody has linked) · <a href="/admin/audit">Audit log of the deployment</a></p>
<h2 id="create-org">Create an organization</h2>
<form method="post" action="/admin/orgs" aria-labelledby="create-org">
${csrfField(csrf)}
${textField({ name: 'name', label: 'Organization name', required: true, hint: 'A school district or a school, e.g. "Lincoln Unified School District".' })}
<p><button type="submit">Create organization</button></p>
</form>`;
}

export interface DirectorySummary {
  directory: Directory;
  domainsVerified: number;
  domainsTotal: number;
  connections: number;
  users: number;
}

export interface OverviewData {
  org: Organization;
  directories: DirectorySummary[];
  entitlements: EntitlementView[];
  products: readonly Product[];
  launches24h: { allowed: number; refused: number };
  csrf: string;
  since: Date;
}

export function overviewBody(d: OverviewData) {
  const entitlement = (productId: string) => d.entitlements.find((e) => e.productId === productId);
  const audit = orgPath(d.org.id, '/audit');
  const since = encodeURIComponent(d.since.toISOString());
  return html`<h1>${d.org.name}: overview</h1>
<h2>Last 24 hours</h2>
<ul class="stats">
<li><strong>${d.launches24h.allowed}</strong> launches allowed <a href="${audit}?decision=allowed&amp;since=${since}">see them</a></li>
<li><strong>${d.launches24h.refused}</strong> launches refused <a href="${audit}?decision=refused&amp;since=${since}">see why</a></li>
</ul>
<h2>Directories</h2>
${
  d.directories.length === 0
    ? html`<p>No directories yet. A directory holds users, their domains and the portals they come from.</p>`
    : html`<table><caption>Directories of ${d.org.name}</caption>
<thead><tr><th scope="col">Directory</th><th scope="col">Just-in-time provisioning</th><th scope="col">Verified domains</th><th scope="col">Connections</th><th scope="col">Users</th></tr></thead>
<tbody>${d.directories.map(
        (s) => html`<tr><td><a href="${dirPath(s.directory.id, '/settings')}">${s.directory.name}</a></td><td>${onOff(s.directory.jitEnabled)}</td>
<td><a href="${dirPath(s.directory.id, '/domains')}">${s.domainsVerified} of ${s.domainsTotal}</a></td>
<td><a href="${dirPath(s.directory.id, '/connections')}">${s.connections}</a></td>
<td><a href="${dirPath(s.directory.id, '/users')}">${s.users}</a></td></tr>`,
      )}</tbody></table>`
}
<h2>Seats</h2>
<table><caption>Seats used and available per product</caption>
<thead><tr><th scope="col">Product</th><th scope="col">Seats used</th><th scope="col">Seats in total</th></tr></thead>
<tbody>${d.products.map((p) => {
    const e = entitlement(p.id);
    return html`<tr><td>${p.name}</td><td>${e ? e.seatsUsed : 0}</td><td>${e ? seatsText(e.seats) : 'No entitlement'}</td></tr>`;
  })}</tbody></table>
<p><a href="${orgPath(d.org.id, '/products')}">Products and seats: who holds them</a></p>
<h2 id="add-directory">Add a directory</h2>
<form method="post" action="${orgPath(d.org.id, '/directories')}" aria-labelledby="add-directory">
${csrfField(d.csrf)}
${textField({ name: 'name', label: 'Directory name', required: true, hint: 'E.g. "Students and staff". Just-in-time provisioning starts off; turn it on in the directory’s settings.' })}
<p><button type="submit">Add directory</button></p>
</form>`;
}

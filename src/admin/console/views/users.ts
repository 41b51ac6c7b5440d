/** Users of a directory, one user's detail, and assigning licenses by hand. */
import { html } from '../../../server/html';
import type { Product } from '../../../provisioning/product';
import type { AuditEvent, Connection, Directory, User } from '../../../store/model';
import type { UserDetail } from '../../services';
import { describeReason } from '../audit-text';
import { dirPath, userPath } from '../nav';
import { badge, csrfField, postButton, textField, time, userName } from './components';
import { tenantText } from './connections';

function statusBadge(user: User) {
  return user.status === 'active' ? badge('Active', 'good') : badge('Blocked', 'bad');
}

function productSelect(products: readonly Product[], id: string) {
  return html`<div class="field"><label for="${id}">Product</label><select id="${id}" name="productId" required>${products.map(
    (p) => html`<option value="${p.id}">${p.name}</option>`,
  )}</select></div>`;
}

export interface UsersView {
  directory: Directory;
  users: User[];
  total: number;
  search: string;
  offset: number;
  limit: number;
  products: readonly Product[];
  csrf: string;
}

export function usersBody(v: UsersView) {
  const base = dirPath(v.directory.id, '/users');
  const q = v.search ? `&q=${encodeURIComponent(v.search)}` : '';
  return html`<h1>Users: ${v.directory.name}</h1>
<form method="get" action="${base}" role="search" aria-label="Search users">
<div class="field"><label for="q">Search by name or email</label><input id="q" name="q" type="text" value="${v.search}"></div>
<p><button type="submit" class="secondary">Search</button>${v.search ? html` <a href="${base}">Clear search</a>` : ''}</p>
</form>
<p>${v.total === 0 ? (v.search ? 'No user matches the search.' : 'No users yet.') : `${v.total} user${v.total === 1 ? '' : 's'}${v.search ? ' match' : ''}.`}</p>
${
  v.users.length > 0
    ? html`<table><caption>Users${v.search ? html` matching “${v.search}”` : ''}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Added by</th><th scope="col">Last launch</th></tr></thead>
<tbody>${v.users.map(
        (u) => html`<tr><td><a href="${userPath(u.id)}">${userName(u)}</a></td><td>${u.email ?? '—'}</td><td>${statusBadge(u)}</td>
<td>${u.createdBy === 'jit' ? 'Just-in-time' : 'An admin'}</td><td>${time(u.lastLaunchAt)}</td></tr>`,
      )}</tbody></table>`
    : ''
}
<nav class="pager" aria-label="Pages of users">
${v.offset > 0 ? html`<a href="${base}?offset=${Math.max(0, v.offset - v.limit)}${q}">Previous page</a>` : ''}
${v.offset + v.users.length < v.total ? html`<a href="${base}?offset=${v.offset + v.limit}${q}">Next page</a>` : ''}
</nav>
<h2 id="assign">Assign a license by email</h2>
<p class="hint">If nobody in this directory has the address yet, a user is created. When they launch from a linked portal with this email, they are matched to this user.</p>
<form method="post" action="${dirPath(v.directory.id, '/licenses')}" aria-labelledby="assign">
${csrfField(v.csrf)}
${textField({ name: 'email', label: 'Email', type: 'email', required: true })}
${productSelect(v.products, 'assign-product')}
${textField({ name: 'givenName', label: 'Given name (optional)' })}
${textField({ name: 'familyName', label: 'Family name (optional)' })}
<p><button type="submit">Assign license</button></p>
</form>`;
}

export interface UserView {
  user: UserDetail;
  directory: Directory;
  connections: Map<string, Connection>;
  launches: AuditEvent[];
  products: readonly Product[];
  csrf: string;
}

export function userBody(v: UserView) {
  const { user } = v;
  const productName = (id: string) => v.products.find((p) => p.id === id)?.name ?? id;
  const unlicensed = v.products.filter((p) => !user.licenses.some((l) => l.productId === p.id));
  return html`<h1>${userName(user)}</h1>
<p><a href="${dirPath(v.directory.id, '/users')}">All users of ${v.directory.name}</a></p>
<dl class="facts">
<dt>Email</dt><dd>${user.email ?? '—'}</dd>
<dt>Status</dt><dd>${statusBadge(user)}</dd>
<dt>Roles</dt><dd>${user.roles.length > 0 ? user.roles.join(', ') : '—'}${user.rawRoles.length > 0 ? html` <span class="hint">(from the portal: ${user.rawRoles.join(', ')})</span>` : ''}</dd>
<dt>Added by</dt><dd>${user.createdBy === 'jit' ? 'Just-in-time provisioning' : 'An admin'}, ${time(user.createdAt)}</dd>
<dt>Last launch</dt><dd>${time(user.lastLaunchAt)}</dd>
</dl>
<p>${
    user.status === 'active'
      ? postButton(`${userPath(user.id)}/status`, v.csrf, 'Block this user', { className: 'danger', fields: { status: 'blocked' } })
      : postButton(`${userPath(user.id)}/status`, v.csrf, 'Unblock this user', { fields: { status: 'active' } })
  }</p>
<p class="hint">A blocked user’s launches are refused; their licenses are kept.</p>

<h2>Licenses</h2>
${
  user.licenses.length === 0
    ? html`<p>No licenses.</p>`
    : html`<table><caption>Licenses held</caption><thead><tr><th scope="col">Product</th><th scope="col">Given by</th><th scope="col">Since</th><th scope="col">Action</th></tr></thead>
<tbody>${user.licenses.map(
        (l) => html`<tr><td>${productName(l.productId)}</td><td>${l.source === 'jit' ? 'Just-in-time' : 'An admin'}</td><td>${time(l.createdAt)}</td>
<td>${postButton(`${userPath(user.id)}/licenses/${encodeURIComponent(l.productId)}/revoke`, v.csrf, 'Revoke', { className: 'danger', ariaLabel: `Revoke the ${productName(l.productId)} license` })}</td></tr>`,
      )}</tbody></table>`
}
${
  user.email !== null && unlicensed.length > 0
    ? html`<form method="post" action="${dirPath(v.directory.id, '/licenses')}">
${csrfField(v.csrf)}<input type="hidden" name="email" value="${user.email}">
${productSelect(unlicensed, 'more-product')}
<p><button type="submit">Assign license</button></p></form>`
    : ''
}

<h2>Sign-in identities</h2>
${
  user.externalIdentities.length === 0
    ? html`<p>None yet: this user has not launched from a portal.</p>`
    : html`<table><caption>Portal identities matched to this user</caption><thead><tr><th scope="col">Partner</th><th scope="col">Connection</th><th scope="col">Subject (the portal’s id)</th><th scope="col">First seen</th></tr></thead>
<tbody>${user.externalIdentities.map((i) => {
        const c = v.connections.get(i.connectionId);
        return html`<tr><td>${i.partner}</td><td>${c ? tenantText(c) : '—'}</td><td><code>${i.subject}</code></td><td>${time(i.createdAt)}</td></tr>`;
      })}</tbody></table>`
}

<h2>Recent launches</h2>
${
  v.launches.length === 0
    ? html`<p>No launches recorded.</p>`
    : html`<table><caption>The last ${v.launches.length} launches</caption><thead><tr><th scope="col">Time</th><th scope="col">Decision</th><th scope="col">Why</th><th scope="col">Product</th></tr></thead>
<tbody>${v.launches.map((e) => {
        const d = describeReason(e.reason);
        return html`<tr><td>${time(e.time)}</td><td>${e.decision === 'allowed' ? badge('Allowed', 'good') : badge('Refused', 'bad')}</td><td>${d.label}. ${d.explanation} <code>${e.reason}</code></td><td>${e.productId ? productName(e.productId) : '—'}</td></tr>`;
      })}</tbody></table>`
}`;
}

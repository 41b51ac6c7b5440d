/** The admin accounts of an organization. */
import { html } from '../../../server/html';
import type { Organization } from '../../../store/model';
import { MIN_PASSWORD_LENGTH, type AdminAccountView } from '../../accounts';
import { orgPath } from '../nav';
import { badge, csrfField, postButton, textField, time } from './components';

export function adminsBody(org: Organization, accounts: AdminAccountView[], csrf: string, selfId: string) {
  return html`<h1>Admins of ${org.name}</h1>
<p>Organization admins manage ${org.name} only: its directories, domains, connections, users, licenses, audit log and API tokens.</p>
${
  accounts.length === 0
    ? html`<p>No organization admin accounts yet.</p>`
    : html`<table><caption>Admin accounts of ${org.name}</caption>
<thead><tr><th scope="col">Email</th><th scope="col">Created</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
<tbody>${accounts.map(
        (a) => html`<tr><th scope="row">${a.email}</th><td>${time(a.createdAt)}</td><td>${a.disabledAt ? badge('Disabled', 'bad') : badge('Active', 'good')}</td>
<td>${
          a.id === selfId
            ? html`<span class="hint">You</span>`
            : postButton(`/admin/accounts/${encodeURIComponent(a.id)}/${a.disabledAt ? 'enable' : 'disable'}`, csrf, a.disabledAt ? 'Enable' : 'Disable', {
                className: a.disabledAt ? 'secondary' : 'danger',
                ariaLabel: `${a.disabledAt ? 'Enable' : 'Disable'} ${a.email}`,
              })
        }</td></tr>`,
      )}</tbody></table>`
}
<h2 id="add-admin">Add an organization admin</h2>
<form method="post" action="${orgPath(org.id, '/admins')}" aria-labelledby="add-admin">
${csrfField(csrf)}
${textField({ name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'off' })}
${textField({ name: 'password', label: 'First password', type: 'password', required: true, autocomplete: 'new-password', hint: `At least ${MIN_PASSWORD_LENGTH} characters. Give it to the person in a safe way.` })}
<p><button type="submit">Add admin</button></p>
</form>`;
}

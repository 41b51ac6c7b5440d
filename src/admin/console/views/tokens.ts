/** API tokens of an organization, and the page that shows a new token once. */
import { html } from '../../../server/html';
import type { Organization } from '../../../store/model';
import type { ApiTokenView, CreatedApiToken } from '../../services';
import { orgPath } from '../nav';
import { badge, csrfField, postButton, textField, time } from './components';

export function tokensBody(org: Organization, tokens: ApiTokenView[], csrf: string, created?: CreatedApiToken) {
  return html`<h1>API tokens</h1>
<p>Programs use API tokens to call the admin API (<code>/api/v1</code>, see the <a href="/api/v1/openapi.json">OpenAPI document</a>).
A token of ${org.name} can read and change only ${org.name}. Send it as <code>Authorization: Bearer &lt;token&gt;</code>.</p>
${
  created
    ? html`<section class="flash success" aria-labelledby="new-token"><h2 id="new-token">Your new token “${created.name}”</h2>
<p>Copy it now: it is shown only this once. LaunchGate keeps only a hash of it.</p>
<label for="token-value">Token</label><input id="token-value" type="text" readonly value="${created.token}" class="secret code"></section>`
    : ''
}
${
  tokens.length === 0
    ? html`<p>No tokens yet.</p>`
    : html`<table><caption>Tokens of ${org.name}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
<tbody>${tokens.map(
        (t) => html`<tr><th scope="row">${t.name}</th><td>${time(t.createdAt)}</td><td>${time(t.lastUsedAt)}</td>
<td>${t.revokedAt ? html`${badge('Revoked', 'bad')} ${time(t.revokedAt)}` : badge('Active', 'good')}</td>
<td>${t.revokedAt ? '' : postButton(`/admin/tokens/${encodeURIComponent(t.id)}/revoke`, csrf, 'Revoke', { className: 'danger', ariaLabel: `Revoke the token ${t.name}` })}</td></tr>`,
      )}</tbody></table>`
}
<h2 id="create-token">Create a token</h2>
<form method="post" action="${orgPath(org.id, '/tokens')}" aria-labelledby="create-token">
${csrfField(csrf)}
${textField({ name: 'name', label: 'Name', required: true, hint: 'Where the token will be used, e.g. “SIS nightly sync”.' })}
<p><button type="submit">Create token</button></p>
</form>`;
}

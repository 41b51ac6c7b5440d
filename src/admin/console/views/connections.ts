/**
 * The guided two-step SSO set-up for one directory: per partner, step 1 says what to enter in the
 * partner's own admin pages, step 2 links the partner's tenant to this directory.
 */
import { html, type SafeHtml } from '../../../server/html';
import type { Connection, Directory } from '../../../store/model';
import { dirPath } from '../nav';
import { csrfField, onOff, postButton, textField, time } from './components';

export interface PartnerUrls {
  canvasJson: string;
  canvasRegister: string;
  cleverRedirect: string;
  classlinkRedirect: string;
}

export function partnerUrls(publicUrl: URL): PartnerUrls {
  const at = (path: string) => new URL(path, publicUrl).toString();
  return {
    canvasJson: at('/lti/canvas.json'),
    canvasRegister: at('/lti/register'),
    cleverRedirect: at('/auth/clever/callback'),
    classlinkRedirect: at('/auth/classlink/callback'),
  };
}

const PARTNER_NAME = { canvas: 'Canvas', clever: 'Clever', classlink: 'ClassLink' } as const;

export function tenantText(connection: Connection): string {
  const s = connection.settings;
  switch (s.partner) {
    case 'canvas':
      return `Canvas ${s.issuer}, client ID ${s.clientId}, deployment${s.deploymentIds.length === 1 ? '' : 's'} ${s.deploymentIds.join(', ')}`;
    case 'clever':
      return `Clever district ${s.districtId}`;
    case 'classlink':
      return `ClassLink tenant ${s.tenantId}`;
  }
}

/** Canvas only: the deployments a connection answers for, edited as one list (one per line or comma separated). */
function deploymentIdsForm(c: Connection, csrf: string): SafeHtml {
  if (c.settings.partner !== 'canvas') return html``;
  const id = `deployments-${c.id}`;
  return html`<details><summary>Edit deployment IDs</summary>
<form method="post" action="/admin/connections/${encodeURIComponent(c.id)}/update">${csrfField(csrf)}
<div class="field"><label for="${id}">Deployment IDs</label><p class="hint" id="${id}-hint">One per line, or separated by commas. Launches from a deployment not listed are refused.</p>
<textarea id="${id}" name="deploymentIds" aria-describedby="${id}-hint">${c.settings.deploymentIds.join('\n')}</textarea></div>
<p><button type="submit" class="secondary" aria-label="Save deployment IDs of Canvas connection ${tenantText(c)}">Save deployment IDs</button></p>
</form></details>`;
}

function connectionRow(c: Connection, csrf: string) {
  const base = `/admin/connections/${encodeURIComponent(c.id)}`;
  const what = `${PARTNER_NAME[c.partner]} connection`;
  return html`<tr><th scope="row">${PARTNER_NAME[c.partner]}${c.label ? html`<br><span class="hint">${c.label}</span>` : ''}</th>
<td>${tenantText(c)}${deploymentIdsForm(c, csrf)}</td>
<td>${onOff(c.enabled, 'Enabled', 'Disabled')}</td>
<td>${onOff(c.trustEmail, 'Trusted', 'Not trusted')}</td>
<td><div class="actions">
${postButton(`${base}/update`, csrf, c.enabled ? 'Disable' : 'Enable', { className: 'secondary', fields: { enabled: c.enabled ? 'off' : 'on' }, ariaLabel: `${c.enabled ? 'Disable' : 'Enable'} ${what} ${tenantText(c)}` })}
${postButton(`${base}/update`, csrf, c.trustEmail ? 'Stop trusting email' : 'Trust email', { className: 'secondary', fields: { trustEmail: c.trustEmail ? 'off' : 'on' }, ariaLabel: `${c.trustEmail ? 'Stop trusting' : 'Trust'} email from ${what} ${tenantText(c)}` })}
${postButton(`${base}/unlink`, csrf, 'Unlink', { className: 'danger', ariaLabel: `Unlink ${what} ${tenantText(c)}` })}
</div></td></tr>`;
}

function common(csrf: string, partner: string): SafeHtml {
  return html`${csrfField(csrf)}<input type="hidden" name="partner" value="${partner}">
<label class="check" for="${partner}-trust"><input type="checkbox" id="${partner}-trust" name="trustEmail" checked aria-describedby="${partner}-trust-hint"> Trust email addresses from this portal</label>
<p class="hint" id="${partner}-trust-hint">Match a person who arrives from this portal to an existing user of this directory with the same email, when the email’s domain is verified here.</p>
<label class="check" for="${partner}-enabled"><input type="checkbox" id="${partner}-enabled" name="enabled" checked> Enabled: allow launches from this portal</label>`;
}

export interface ConnectionsView {
  directory: Directory;
  connections: Connection[];
  /** Only the operator sees pending registrations; an organization admin claims one with its code. */
  pendingCanvas: Connection[];
  isOperator: boolean;
  urls: PartnerUrls;
  csrf: string;
}

function pendingTable(v: ConnectionsView): SafeHtml {
  if (v.pendingCanvas.length === 0) return html`<p>No Canvas registration is waiting to be linked.</p>`;
  return html`<table><caption>Pending Canvas registrations (visible to the operator only)</caption>
<thead><tr><th scope="col">Platform</th><th scope="col">Tenant</th><th scope="col">Registered</th><th scope="col">Actions</th></tr></thead>
<tbody>${v.pendingCanvas.map((c) => {
    const name = `${c.label ?? 'Canvas registration'} ${tenantText(c)}`;
    return html`<tr><th scope="row">${c.label ?? 'Canvas'}</th><td>${tenantText(c)}</td><td>${time(c.createdAt)}</td>
<td><div class="actions">${postButton(`/admin/connections/${encodeURIComponent(c.id)}/link`, v.csrf, 'Link to this directory', { fields: { directoryId: v.directory.id }, ariaLabel: `Link ${name} to ${v.directory.name}` })}
${postButton(`/admin/connections/${encodeURIComponent(c.id)}/delete`, v.csrf, 'Delete', { className: 'danger', fields: { directoryId: v.directory.id }, ariaLabel: `Delete pending ${name}` })}</div></td></tr>`;
  })}</tbody></table>`;
}

export function connectionsBody(v: ConnectionsView) {
  const action = dirPath(v.directory.id, '/connections');
  return html`<h1>Identity and connections: ${v.directory.name}</h1>
<p>Each school portal is connected in two steps: first register LaunchGate in the portal, then link the portal’s tenant to this directory here.
Launches from a tenant that is not linked are refused.</p>

<h2>Connected portals</h2>
${
  v.connections.length === 0
    ? html`<p>No portal is linked to this directory yet.</p>`
    : html`<table><caption>Portals linked to ${v.directory.name}</caption>
<thead><tr><th scope="col">Partner</th><th scope="col">Tenant</th><th scope="col">Launches</th><th scope="col">Email matching</th><th scope="col">Actions</th></tr></thead>
<tbody>${v.connections.map((c) => connectionRow(c, v.csrf))}</tbody></table>`
}

<h2 id="pending">Link a Canvas registration</h2>
<p>When a Canvas admin registers LaunchGate with dynamic registration, Canvas shows them a one-time <strong>claim code</strong>.
Ask them for it and paste it here to link that registration to this directory. A code works once, for 30 days.</p>
<form method="post" action="${dirPath(v.directory.id, '/connections/claim')}">
${csrfField(v.csrf)}
${textField({ name: 'claimCode', id: 'claim-code', label: 'Claim code', required: true, autocomplete: 'off', hint: 'For example 7K2M-QX9D-A4TZ-0PNB-W3HC. Dashes and spaces do not matter.' })}
<p><button type="submit">Link registration</button></p>
</form>
${v.isOperator ? pendingTable(v) : ''}

<section aria-labelledby="canvas">
<h2 id="canvas">Canvas (LTI 1.3)</h2>
<div class="step"><h3>Step 1: register LaunchGate in Canvas</h3>
<p>In Canvas, go to <strong>Admin → Developer Keys</strong>. Either:</p>
<ul>
<li><strong>+ LTI Registration</strong> (dynamic registration), and enter <code>${v.urls.canvasRegister}</code>. Canvas then shows a claim code: enter it under <a href="#pending">Link a Canvas registration</a> above; or</li>
<li><strong>+ Developer Key → LTI Key</strong>, method <em>Enter URL</em>, and enter <code>${v.urls.canvasJson}</code>.</li>
</ul>
<p>Set the key’s privacy level to <strong>Public</strong> so Canvas shares email addresses, turn the key <strong>On</strong>, and install the app
(<strong>Settings → Apps → + App → By Client ID</strong>). Note the key’s <strong>Client ID</strong> and the app’s <strong>Deployment ID</strong>.</p></div>
<div class="step"><h3>Step 2: link the Canvas tenant to this directory</h3>
<form method="post" action="${action}">
${textField({ name: 'issuer', id: 'canvas-issuer', label: 'Canvas issuer', value: 'https://canvas.instructure.com', required: true, type: 'url', hint: 'https://canvas.instructure.com for Instructure-hosted Canvas; your Canvas address if self-hosted.' })}
${textField({ name: 'clientId', id: 'canvas-client', label: 'Client ID (developer key)', required: true })}
<div class="field"><label for="canvas-deployments">Deployment IDs</label><p class="hint" id="canvas-deployments-hint">One per line.</p>
<textarea id="canvas-deployments" name="deploymentIds" required aria-describedby="canvas-deployments-hint"></textarea></div>
<details><summary>Self-hosted Canvas endpoints</summary>
<p class="hint">Leave empty to use the issuer’s own: Instructure-hosted Canvas (production, beta or test) gets that environment’s SSO endpoints, e.g. https://sso.beta.canvaslms.com for https://canvas.beta.instructure.com; a self-hosted Canvas gets Canvas’s standard paths on its own address.</p>
${textField({ name: 'authEndpoint', id: 'canvas-auth', label: 'Authorization endpoint', type: 'url', hint: 'Default <issuer’s SSO host>/api/lti/authorize_redirect' })}
${textField({ name: 'tokenEndpoint', id: 'canvas-token', label: 'Token endpoint', type: 'url', hint: 'Default <issuer>/login/oauth2/token' })}
${textField({ name: 'jwksUrl', id: 'canvas-jwks', label: 'JWKS URL', type: 'url', hint: 'Default <issuer’s SSO host>/api/lti/security/jwks' })}
</details>
${common(v.csrf, 'canvas')}
<p><button type="submit">Link Canvas</button></p>
</form></div>
</section>

<section aria-labelledby="clever">
<h2 id="clever">Clever</h2>
<div class="step"><h3>Step 1: add LaunchGate’s redirect URI in Clever</h3>
<p>In the Clever developer dashboard, under your application’s <strong>Settings → Instant Login</strong>, add the redirect URI
<code>${v.urls.cleverRedirect}</code>. Find the district’s <strong>District ID</strong> on the district’s page in Clever.</p></div>
<div class="step"><h3>Step 2: link the Clever district to this directory</h3>
<form method="post" action="${action}">
${textField({ name: 'districtId', id: 'clever-district', label: 'Clever district ID', required: true })}
${common(v.csrf, 'clever')}
<p><button type="submit">Link Clever</button></p>
</form></div>
</section>

<section aria-labelledby="classlink">
<h2 id="classlink">ClassLink</h2>
<div class="step"><h3>Step 1: add LaunchGate’s redirect URI in ClassLink</h3>
<p>In ClassLink’s developer portal, add the redirect URI <code>${v.urls.classlinkRedirect}</code> to the application.
Find the tenant’s <strong>Tenant ID</strong> in ClassLink Management Console.</p></div>
<div class="step"><h3>Step 2: link the ClassLink tenant to this directory</h3>
<form method="post" action="${action}">
${textField({ name: 'tenantId', id: 'classlink-tenant', label: 'ClassLink tenant ID', required: true })}
${common(v.csrf, 'classlink')}
<p><button type="submit">Link ClassLink</button></p>
</form></div>
</section>`;
}

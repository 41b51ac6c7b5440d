/** A directory's settings (the JIT switch) and its domains. */
import { html } from '../../../server/html';
import type { Directory } from '../../../store/model';
import type { DomainView } from '../../services';
import { dirPath } from '../nav';
import { badge, csrfField, postButton, textField, time } from './components';

export const JIT_ON_TEXT =
  'When on, a person who opens a product from a linked portal (Canvas, Clever or ClassLink) with an email address on one of this directory’s verified domains gets an account and a license automatically, as long as seats are left.';
export const JIT_OFF_TEXT =
  'When off, new users who open a product from a linked portal cannot access it until you assign them a license. People who already hold a license keep their access.';

export function settingsBody(directory: Directory, csrf: string) {
  return html`<h1>Settings: ${directory.name}</h1>
<form method="post" action="${dirPath(directory.id, '/settings')}">
${csrfField(csrf)}
${textField({ name: 'name', label: 'Directory name', value: directory.name, required: true })}
<fieldset>
<legend>Just-in-time user provisioning</legend>
<label class="check" for="jit"><input type="checkbox" id="jit" name="jitEnabled"${directory.jitEnabled ? html` checked` : ''} aria-describedby="jit-on jit-off"> Just-in-time user provisioning</label>
<p class="hint" id="jit-on">${JIT_ON_TEXT}</p>
<p class="hint" id="jit-off">${JIT_OFF_TEXT}</p>
<p>It is <strong>${directory.jitEnabled ? 'on' : 'off'}</strong> now.</p>
</fieldset>
<p><button type="submit">Save</button></p>
</form>`;
}

function status(domain: DomainView) {
  if (domain.status === 'verified') {
    return html`${badge('Verified', 'good')} <span class="hint">${domain.verifiedBy === 'operator' ? 'by the operator' : 'by DNS'}, ${time(domain.verifiedAt)}</span>`;
  }
  return badge('Pending', 'neutral');
}

export function domainsBody(directory: Directory, domains: DomainView[], csrf: string, isOperator: boolean) {
  return html`<h1>Domains: ${directory.name}</h1>
<p>Just-in-time provisioning only admits email addresses on domains this directory has verified. Claim a domain, publish the
TXT record shown in your DNS, then choose Verify.</p>
${
  domains.length === 0
    ? html`<p>No domains claimed yet.</p>`
    : html`<table><caption>Claimed domains</caption>
<thead><tr><th scope="col">Domain</th><th scope="col">Status</th><th scope="col">DNS TXT record to publish</th><th scope="col">Actions</th></tr></thead>
<tbody>${domains.map(
        (d) => html`<tr><th scope="row">${d.name}</th><td>${status(d)}</td>
<td>${d.status === 'verified' ? html`<span class="hint">Published and checked; you may keep it.</span> ` : ''}<dl class="facts"><dt>Type</dt><dd>TXT</dd><dt>Name</dt><dd><code>${d.dnsRecord.name}</code></dd><dt>Value</dt><dd><code>${d.dnsRecord.value}</code></dd></dl></td>
<td><div class="actions">${
          d.status === 'pending'
            ? html`${postButton(`/admin/domains/${encodeURIComponent(d.id)}/verify`, csrf, 'Verify', { ariaLabel: `Verify ${d.name}` })}${
                isOperator
                  ? postButton(`/admin/domains/${encodeURIComponent(d.id)}/operator-verify`, csrf, 'Mark verified (operator)', {
                      className: 'secondary',
                      ariaLabel: `Mark ${d.name} verified without DNS (operator)`,
                    })
                  : ''
              }`
            : ''
        }${postButton(`/admin/domains/${encodeURIComponent(d.id)}/remove`, csrf, 'Remove', { className: 'danger', ariaLabel: `Remove ${d.name}` })}</div></td></tr>`,
      )}</tbody></table>`
}
<h2 id="claim">Claim a domain</h2>
<form method="post" action="${dirPath(directory.id, '/domains')}" aria-labelledby="claim">
${csrfField(csrf)}
${textField({ name: 'name', label: 'Domain name', required: true, hint: 'The part after the @ of your users’ email addresses, e.g. lincoln.k12.ca.us. No wildcards.' })}
<p><button type="submit">Claim domain</button></p>
</form>`;
}

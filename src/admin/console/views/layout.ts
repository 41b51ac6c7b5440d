/**
 * The page shell: a skip link, a banner with who is signed in and a sign-out button, navigation for
 * the organization in view, and a main region whose first child is a live region for messages.
 */
import { html, escapeHtml, type SafeHtml } from '../../../server/html';
import type { Directory, Organization } from '../../../store/model';
import type { Flash } from '../../accounts';
import type { AdminAccountView } from '../../accounts';
import { CONSOLE_STYLE } from './style';
import { csrfField } from './components';

export interface NavContext {
  org: Organization;
  directories: Directory[];
}

export interface LayoutInput {
  title: string;
  body: SafeHtml;
  /** The signed-in account and the session's CSRF token; absent on the sign-in pages. */
  account?: AdminAccountView;
  csrf?: string;
  nav?: NavContext;
  /** The path of this page, marked as current in the navigation. */
  current?: string;
  flash?: Flash[];
  narrow?: boolean;
}

function link(href: string, text: string, current: string | undefined): SafeHtml {
  return html`<li><a href="${href}"${href === current ? html` aria-current="page"` : ''}>${text}</a></li>`;
}

function navigation(nav: NavContext, current: string | undefined, account: AdminAccountView): SafeHtml {
  const org = `/admin/orgs/${encodeURIComponent(nav.org.id)}`;
  return html`<nav class="side" aria-label="Console">
<h2>${nav.org.name}</h2>
<ul>
${link(org, 'Overview', current)}
${link(`${org}/products`, 'Products and seats', current)}
${link(`${org}/audit`, 'Audit log', current)}
${link(`${org}/tokens`, 'API tokens', current)}
${link(`${org}/admins`, 'Admins', current)}
</ul>
<h2>Directories</h2>
${nav.directories.length === 0 ? html`<p class="hint">No directories yet.</p>` : ''}
${nav.directories.map((d) => {
  const base = `/admin/directories/${encodeURIComponent(d.id)}`;
  return html`<p class="dir">${d.name}</p><ul>
${link(`${base}/settings`, 'Settings', current)}
${link(`${base}/domains`, 'Domains', current)}
${link(`${base}/connections`, 'Identity and connections', current)}
${link(`${base}/users`, 'Users', current)}
</ul>`;
})}
${account.role === 'operator' ? html`<h2>Deployment</h2><ul>${link('/admin', 'All organizations', current)}${link('/admin/audit?org=none', 'Launches not tied to an organization', current)}</ul>` : ''}
</nav>`;
}

function flashes(flash: Flash[] | undefined): SafeHtml {
  // The live region is always there, so screen readers announce what is put in it.
  return html`<div aria-live="polite" role="status" id="messages">${(flash ?? []).map(
    (f) => html`<div class="flash ${f.kind}"><p>${f.kind === 'error' ? html`<strong>Not done: </strong>` : ''}${f.text}</p>${
      f.details && f.details.length > 0 ? html`<ul>${f.details.map((d) => html`<li>${d}</li>`)}</ul>` : ''
    }</div>`,
  )}</div>`;
}

export function layout(input: LayoutInput): string {
  const header = input.account
    ? html`<header class="top" role="banner">
<a class="brand" href="/admin">LaunchGate admin</a>
<div class="who"><span>Signed in as <strong>${input.account.email}</strong> (${input.account.role === 'operator' ? 'operator' : 'organization admin'})</span>
<form class="inline" method="post" action="/admin/logout">${csrfField(input.csrf ?? '')}<button type="submit">Sign out</button></form></div>
</header>`
    : html`<header class="top" role="banner"><a class="brand" href="/admin">LaunchGate admin</a></header>`;
  const nav = input.nav && input.account ? navigation(input.nav, input.current, input.account) : html``;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)} · LaunchGate admin</title>
<style>${CONSOLE_STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
${header.value}
<div class="layout">
${nav.value}
<main id="main" tabindex="-1" class="${input.narrow ? 'narrow' : ''}">
${flashes(input.flash).value}
${input.body.value}
</main>
</div>
</body>
</html>`;
}

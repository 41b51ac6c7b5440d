/**
 * The audit log: filters, events in words, paging and the CSV export link. The same page serves an
 * organization's log and the operator's deployment-wide one, which adds an organization filter
 * (with "no organization" for refusals of tenants nobody linked).
 */
import { html } from '../../../server/html';
import { PARTNERS } from '../../../identity/launch-identity';
import type { AuditEvent, Directory, Organization } from '../../../store/model';
import { AUDIT_REASONS } from '../../services';
import { describeDetail, describeReason } from '../audit-text';
import { orgPath, userPath } from '../nav';
import { badge, time } from './components';

export interface AuditFilters {
  decision: '' | 'allowed' | 'refused' | 'admin';
  reason: string;
  partner: string;
  directoryId: string;
  since: string;
  until: string;
}

/** The value of the organization filter that selects events of no organization. */
export const NO_ORGANIZATION = 'none';

/** Where the page is: one organization's log, or the operator's log of the whole deployment. */
export type AuditScope =
  | { kind: 'organization'; org: Organization }
  | {
      kind: 'deployment';
      orgs: Organization[];
      /** '' (every organization), NO_ORGANIZATION, or an organization id. */
      org: string;
    };

export interface AuditView {
  scope: AuditScope;
  directories: Directory[];
  filters: AuditFilters;
  events: AuditEvent[];
  total: number;
  offset: number;
  limit: number;
  /** The filters as a query string, for paging and the export. */
  query: string;
  /** Actor ids in words, e.g. admin:<id> → an email. */
  actors: Map<string, string>;
  problems: string[];
}

export const DEPLOYMENT_AUDIT_PATH = '/admin/audit';

function option(value: string, label: string, selected: string) {
  return html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
}

function decisionBadge(e: AuditEvent) {
  if (e.kind === 'admin') return badge('Admin change', 'neutral');
  return e.decision === 'allowed' ? badge('Allowed', 'good') : badge('Refused', 'bad');
}

/**
 * For a launch seen from the deployment's log: which tenant it came from and which check failed,
 * since a launch of no organization has no directory or user to tell the operator where it is from.
 */
function launchOrigin(e: AuditEvent): string {
  const parts: string[] = [];
  for (const key of ['tenant', 'check'] as const) {
    const value = e.detail?.[key];
    if (typeof value === 'string' && value !== '') parts.push(`${key}: ${value}`);
  }
  return parts.join('; ');
}

function heading(scope: AuditScope) {
  if (scope.kind === 'organization') return html`<h1>Audit log</h1>
<p>Every launch and every admin change, newest first. Times are UTC.</p>`;
  if (scope.org === NO_ORGANIZATION) return html`<h1>Launches not tied to an organization</h1>
<p>Launches from a portal tenant nobody has linked (a Canvas deployment, Clever district or ClassLink tenant LaunchGate does not know), and launches that failed a check before their tenant was known. No organization’s audit log shows them. Newest first; times are UTC.</p>`;
  return html`<h1>Audit log of the deployment</h1>
<p>Every organization’s launches and admin changes, and the launches tied to none, newest first. Times are UTC.</p>`;
}

/** A refused person whose address is outside the organization's domains: their subject and only the domain. */
function withDomain(subject: string | null, domain: unknown): string | null {
  if (typeof domain !== 'string') return subject;
  return `${subject ?? 'someone'} (an address at ${domain})`;
}

export function auditBody(v: AuditView) {
  const { scope } = v;
  const base = scope.kind === 'organization' ? orgPath(scope.org.id, '/audit') : DEPLOYMENT_AUDIT_PATH;
  const csv = `${base}.csv`;
  const dirName = (id: string | null) => (id === null ? '—' : (v.directories.find((d) => d.id === id)?.name ?? id));
  const orgName = (id: string | null) =>
    id === null ? 'None' : scope.kind === 'deployment' ? (scope.orgs.find((o) => o.id === id)?.name ?? id) : scope.org.name;
  const showOrg = scope.kind === 'deployment' && scope.org !== NO_ORGANIZATION;
  const f = v.filters;
  const sep = v.query ? '&' : '';
  return html`${heading(scope)}
<form method="get" action="${base}" aria-labelledby="filters-title">
<fieldset class="filters"><legend id="filters-title">Filter</legend>
${
  scope.kind === 'deployment'
    ? html`<div class="field"><label for="org">Organization</label><select id="org" name="org">
${option('', 'Any', scope.org)}${option(NO_ORGANIZATION, 'Launches not tied to an organization', scope.org)}${scope.orgs.map((o) => option(o.id, o.name, scope.org))}
</select></div>`
    : ''
}
<div class="field"><label for="decision">Decision</label><select id="decision" name="decision">
${option('', 'Any', f.decision)}${option('allowed', 'Allowed launches', f.decision)}${option('refused', 'Refused launches', f.decision)}${option('admin', 'Admin changes', f.decision)}
</select></div>
<div class="field"><label for="reason">Reason</label><select id="reason" name="reason">
${option('', 'Any', f.reason)}${AUDIT_REASONS.map((r) => option(r, `${describeReason(r).label} (${r})`, f.reason))}
</select></div>
<div class="field"><label for="partner">Partner</label><select id="partner" name="partner">
${option('', 'Any', f.partner)}${PARTNERS.map((p) => option(p, p === 'canvas' ? 'Canvas' : p === 'clever' ? 'Clever' : 'ClassLink', f.partner))}
</select></div>
${
  v.directories.length > 0
    ? html`<div class="field"><label for="directoryId">Directory</label><select id="directoryId" name="directoryId">
${option('', 'Any', f.directoryId)}${v.directories.map((d) => option(d.id, d.name, f.directoryId))}
</select></div>`
    : ''
}
<div class="field"><label for="since">From (UTC date)</label><input id="since" name="since" type="date" value="${f.since.slice(0, 10)}"></div>
<div class="field"><label for="until">To (UTC date, inclusive)</label><input id="until" name="until" type="date" value="${f.until.slice(0, 10)}"></div>
<p class="actions"><button type="submit">Apply filters</button> <a class="button secondary" href="${scope.kind === 'deployment' && scope.org !== '' ? `${base}?org=${encodeURIComponent(scope.org)}` : base}">Clear filters</a></p>
</fieldset>
</form>
${v.problems.length > 0 ? html`<div class="flash error" role="alert"><p>Some filters were ignored:</p><ul>${v.problems.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
<p>${v.total} event${v.total === 1 ? '' : 's'}. <a href="${csv}${v.query ? `?${v.query}` : ''}" download>Download these events as CSV</a></p>
${
  v.events.length === 0
    ? html`<p>No events match.</p>`
    : html`<table><caption>Audit events${v.total > v.events.length ? `, ${v.offset + 1} to ${v.offset + v.events.length} of ${v.total}` : ''}</caption>
<thead><tr><th scope="col">Time</th><th scope="col">Decision</th><th scope="col">What happened</th><th scope="col">Person</th><th scope="col">Partner</th>${showOrg ? html`<th scope="col">Organization</th>` : ''}<th scope="col">Directory</th><th scope="col">Product</th><th scope="col">By</th></tr></thead>
<tbody>${v.events.map((e) => {
        const d = describeReason(e.reason);
        const detail = e.kind === 'admin' ? describeDetail(e) : scope.kind === 'deployment' ? launchOrigin(e) : '';
        return html`<tr><td>${time(e.time)}</td><td>${decisionBadge(e)}</td>
<td><strong>${d.label}.</strong>${d.explanation ? html` ${d.explanation}` : ''}${detail ? html` <span class="hint">${detail}</span>` : ''} <code>${e.reason}</code></td>
<td>${e.userId ? html`<a href="${userPath(e.userId)}">${e.email ?? e.subject ?? 'user'}</a>` : (e.email ?? withDomain(e.subject, e.detail?.emailDomain) ?? '—')}</td>
<td>${e.partner ?? '—'}</td>${showOrg ? html`<td>${orgName(e.orgId)}</td>` : ''}<td>${dirName(e.directoryId)}</td><td>${e.productId ?? '—'}</td><td>${e.actor ? (v.actors.get(e.actor) ?? e.actor) : '—'}</td></tr>`;
      })}</tbody></table>`
}
<nav class="pager" aria-label="Pages of events">
${v.offset > 0 ? html`<a href="${base}?${v.query}${sep}offset=${Math.max(0, v.offset - v.limit)}">Newer events</a>` : ''}
${v.offset + v.events.length < v.total ? html`<a href="${base}?${v.query}${sep}offset=${v.offset + v.limit}">Older events</a>` : ''}
</nav>`;
}

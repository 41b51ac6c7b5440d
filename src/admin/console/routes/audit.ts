/** The audit log page and its CSV export, over the same filters. */
import type { Request, Router } from 'express';
import { PARTNERS, type Partner } from '../../../identity/launch-identity';
import { AUDIT_REASONS, type AuditQuery, type AuditReason } from '../../services';
import type { Actor } from '../../auth';
import { decisionText, describeDetail, describeReason } from '../audit-text';
import type { ConsoleRuntime } from '../deps';
import { csvRow } from '../csv';
import { param, queryText, render, signedOf } from '../http';
import { orgNav, orgPath } from '../nav';
import { auditBody, type AuditFilters } from '../views/audit';

const PAGE = 50;
const EXPORT_PAGE = 500;
/** An export bigger than this is cut, and says so in its last line. */
const EXPORT_MAX = 50_000;
const DAY_MS = 24 * 60 * 60_000;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseDate(raw: string, endOfDay: boolean): Date | null {
  if (DATE_ONLY.test(raw)) {
    const start = Date.parse(`${raw}T00:00:00Z`);
    if (Number.isNaN(start)) return null;
    // "To" a day includes that whole day.
    return new Date(endOfDay ? start + DAY_MS : start);
  }
  if (DATE_TIME.test(raw)) {
    const at = Date.parse(raw);
    return Number.isNaN(at) ? null : new Date(at);
  }
  return null;
}

interface Parsed {
  filters: AuditFilters;
  query: AuditQuery;
  problems: string[];
  /** The accepted filters as a query string. */
  queryString: string;
}

export function parseAuditFilters(req: Request): Parsed {
  const problems: string[] = [];
  const query: AuditQuery = {};
  const filters: AuditFilters = { decision: '', reason: '', partner: '', directoryId: '', since: '', until: '' };
  const decision = queryText(req, 'decision');
  if (decision === 'allowed' || decision === 'refused') {
    Object.assign(query, { kind: 'launch', decision });
    filters.decision = decision;
  } else if (decision === 'admin') {
    query.kind = 'admin';
    filters.decision = 'admin';
  } else if (decision !== '') problems.push('Unknown decision.');
  const reason = queryText(req, 'reason');
  if ((AUDIT_REASONS as readonly string[]).includes(reason)) {
    query.reason = reason as AuditReason;
    filters.reason = reason;
  } else if (reason !== '') problems.push('Unknown reason.');
  const partner = queryText(req, 'partner');
  if ((PARTNERS as readonly string[]).includes(partner)) {
    query.partner = partner as Partner;
    filters.partner = partner;
  } else if (partner !== '') problems.push('Unknown partner.');
  const directoryId = queryText(req, 'directoryId');
  if (directoryId !== '' && directoryId.length <= 128) {
    query.directoryId = directoryId;
    filters.directoryId = directoryId;
  }
  for (const [name, endOfDay] of [['since', false], ['until', true]] as const) {
    const raw = queryText(req, name).trim();
    if (raw === '') continue;
    const date = parseDate(raw, endOfDay);
    if (date === null) {
      problems.push(`“${raw}” is not a date (use YYYY-MM-DD).`);
      continue;
    }
    query[name] = date;
    filters[name] = raw;
  }
  if (query.since && query.until && query.since > query.until) {
    problems.push('The “From” date is after the “To” date.');
    delete query.until;
    filters.until = '';
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== '') params.set(key, value);
  return { filters, query, problems, queryString: params.toString() };
}

/** Names for actor ids: admin accounts by email, API tokens by name. */
async function actorNames(rt: ConsoleRuntime, actor: Actor, orgId: string): Promise<Map<string, string>> {
  const names = new Map<string, string>([['operator', 'The operator'], ['cli', 'The command line (CLI)']]);
  const accounts = await rt.accountDeps.accounts.listAdminAccounts(actor.kind === 'operator' ? {} : { orgId });
  for (const a of accounts) names.set(`admin:${a.id}`, a.email);
  for (const t of await rt.services.listApiTokens(actor, orgId)) names.set(`token:${t.id}`, `API token “${t.name}”`);
  return names;
}

export function auditRoutes(rt: ConsoleRuntime, router: Router): void {
  const { services } = rt;

  router.get('/orgs/:orgId/audit', async (req, res) => {
    const signed = signedOf(res);
    const nav = await orgNav(rt, signed, param(req, 'orgId'));
    const parsed = parseAuditFilters(req);
    const offset = /^\d{1,7}$/.test(queryText(req, 'offset')) ? Number(queryText(req, 'offset')) : 0;
    const page = await services.listAuditEvents(signed.actor, nav.org.id, parsed.query, { limit: PAGE, offset });
    await render(rt, res, {
      title: 'Audit log',
      nav,
      current: orgPath(nav.org.id, '/audit'),
      body: auditBody({
        org: nav.org,
        directories: nav.directories,
        filters: parsed.filters,
        events: page.items,
        total: page.total,
        offset,
        limit: PAGE,
        query: parsed.queryString,
        actors: await actorNames(rt, signed.actor, nav.org.id),
        problems: parsed.problems,
      }),
    });
  });

  router.get('/orgs/:orgId/audit.csv', async (req, res) => {
    const signed = signedOf(res);
    const nav = await orgNav(rt, signed, param(req, 'orgId'));
    const parsed = parseAuditFilters(req);
    const actors = await actorNames(rt, signed.actor, nav.org.id);
    const dirName = (id: string | null) => (id === null ? '' : (nav.directories.find((d) => d.id === id)?.name ?? id));
    const stamp = rt.now().toISOString().slice(0, 10);
    res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="launchgate-audit-${stamp}.csv"`);
    res.write(
      csvRow(['time_utc', 'decision', 'reason', 'what_happened', 'explanation', 'details', 'email', 'subject', 'partner', 'directory', 'product', 'by', 'request_id', 'event_id']),
    );
    let written = 0;
    while (written < EXPORT_MAX) {
      const page = await services.listAuditEvents(signed.actor, nav.org.id, parsed.query, { limit: EXPORT_PAGE, offset: written });
      for (const e of page.items) {
        const d = describeReason(e.reason);
        res.write(
          csvRow([
            e.time.toISOString(),
            decisionText(e),
            e.reason,
            d.label,
            d.explanation,
            e.kind === 'admin' ? describeDetail(e) : '',
            e.email,
            e.subject,
            e.partner,
            dirName(e.directoryId),
            e.productId,
            e.actor ? (actors.get(e.actor) ?? e.actor) : '',
            e.requestId,
            e.id,
          ]),
        );
      }
      written += page.items.length;
      if (page.items.length < EXPORT_PAGE || written >= page.total) break;
    }
    if (written >= EXPORT_MAX) res.write(csvRow([`Export cut at ${EXPORT_MAX} events; narrow the filters.`]));
    res.end();
  });
}

/**
 * The audit log page and its CSV export, over the same filters: an organization's at
 * /admin/orgs/:orgId/audit, and the operator's across organizations at /admin/audit.
 */
import type { Request, Response, Router } from 'express';
import { PARTNERS, type Partner } from '../../../identity/launch-identity';
import type { AuditEvent, Directory } from '../../../store/model';
import type { Page, Paging } from '../../../store/port';
import { AUDIT_REASONS, type AuditQuery, type AuditReason, type DeploymentAuditQuery } from '../../services';
import { requireOperator } from '../../services/scope';
import type { Actor } from '../../auth';
import { decisionText, describeDetail, describeReason } from '../audit-text';
import type { ConsoleRuntime } from '../deps';
import { csvRow } from '../csv';
import { param, queryText, render, signedOf } from '../http';
import { orgNav, orgPath } from '../nav';
import { auditBody, DEPLOYMENT_AUDIT_PATH, NO_ORGANIZATION, type AuditFilters, type AuditScope } from '../views/audit';
import type { NavContext } from '../views/layout';

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

/** Names for actor ids: admin accounts by email, API tokens by name. `null`: the deployment's view (operator only). */
async function actorNames(rt: ConsoleRuntime, actor: Actor, orgId: string | null): Promise<Map<string, string>> {
  const names = new Map<string, string>([
    ['operator', 'The operator'],
    ['cli', 'The command line (CLI)'],
    ['bootstrap', 'LaunchGate at start (operator token)'],
  ]);
  const accounts = await rt.accountDeps.accounts.listAdminAccounts(actor.kind === 'operator' || orgId === null ? {} : { orgId });
  for (const a of accounts) names.set(`admin:${a.id}`, a.email);
  // The deployment's view is the operator's, who may read every token's name.
  const tokens = orgId === null ? await rt.deps.store.listApiTokens({}) : await rt.services.listApiTokens(actor, orgId);
  for (const t of tokens) names.set(`token:${t.id}`, `API token “${t.name}”`);
  return names;
}

/** What the page and the export read from: one organization's log, or the deployment's. */
interface AuditSource {
  scope: AuditScope;
  nav?: NavContext;
  current: string;
  title: string;
  directories: Directory[];
  parsed: Parsed;
  actors: Map<string, string>;
  list(paging: Paging): Promise<Page<AuditEvent>>;
}

async function organizationSource(rt: ConsoleRuntime, req: Request, res: Response): Promise<AuditSource> {
  const signed = signedOf(res);
  const nav = await orgNav(rt, signed, param(req, 'orgId'));
  const parsed = parseAuditFilters(req);
  return {
    scope: { kind: 'organization', org: nav.org },
    nav,
    current: orgPath(nav.org.id, '/audit'),
    title: 'Audit log',
    directories: nav.directories,
    parsed,
    actors: await actorNames(rt, signed.actor, nav.org.id),
    list: (paging) => rt.services.listAuditEvents(signed.actor, nav.org.id, parsed.query, paging),
  };
}

/**
 * The operator's log across organizations. `?org=none` is where refusals of tenants nobody linked
 * are read: they are stored without an organization, so no organization's page shows them.
 */
async function deploymentSource(rt: ConsoleRuntime, req: Request, res: Response): Promise<AuditSource> {
  const signed = signedOf(res);
  // Before anything is read: an organization admin gets the same 403 as from the API.
  requireOperator(signed.actor, 'read audit events across organizations');
  const parsed = parseAuditFilters(req);
  const orgs = await rt.services.listOrganizations(signed.actor);
  const raw = queryText(req, 'org');
  let org = '';
  let orgId: string | null | undefined;
  if (raw === NO_ORGANIZATION) {
    org = raw;
    orgId = null;
  } else if (orgs.some((o) => o.id === raw)) {
    org = raw;
    orgId = raw;
  } else if (raw !== '') parsed.problems.push('Unknown organization.');
  const directories = typeof orgId === 'string' ? await rt.services.listDirectories(signed.actor, orgId) : [];
  if (parsed.query.directoryId !== undefined && !directories.some((d) => d.id === parsed.query.directoryId)) {
    // A directory filter only means something within the organization chosen.
    delete parsed.query.directoryId;
    parsed.filters.directoryId = '';
    parsed.queryString = withoutParam(parsed.queryString, 'directoryId');
  }
  if (org !== '') parsed.queryString = new URLSearchParams([['org', org], ...new URLSearchParams(parsed.queryString)]).toString();
  const query: DeploymentAuditQuery = orgId === undefined ? parsed.query : { ...parsed.query, orgId };
  return {
    scope: { kind: 'deployment', orgs, org },
    current: org === NO_ORGANIZATION ? `${DEPLOYMENT_AUDIT_PATH}?org=${NO_ORGANIZATION}` : DEPLOYMENT_AUDIT_PATH,
    title: org === NO_ORGANIZATION ? 'Launches not tied to an organization' : 'Audit log of the deployment',
    directories,
    parsed,
    actors: await actorNames(rt, signed.actor, null),
    list: (paging) => rt.services.listDeploymentAuditEvents(signed.actor, query, paging),
  };
}

function withoutParam(queryString: string, name: string): string {
  const params = new URLSearchParams(queryString);
  params.delete(name);
  return params.toString();
}

type SourceOf = (rt: ConsoleRuntime, req: Request, res: Response) => Promise<AuditSource>;

function auditPage(rt: ConsoleRuntime, sourceOf: SourceOf) {
  return async (req: Request, res: Response): Promise<void> => {
    const source = await sourceOf(rt, req, res);
    const offset = /^\d{1,7}$/.test(queryText(req, 'offset')) ? Number(queryText(req, 'offset')) : 0;
    const page = await source.list({ limit: PAGE, offset });
    await render(rt, res, {
      title: source.title,
      nav: source.nav,
      current: source.current,
      body: auditBody({
        scope: source.scope,
        directories: source.directories,
        filters: source.parsed.filters,
        events: page.items,
        total: page.total,
        offset,
        limit: PAGE,
        query: source.parsed.queryString,
        actors: source.actors,
        problems: source.parsed.problems,
      }),
    });
  };
}

function auditExport(rt: ConsoleRuntime, sourceOf: SourceOf) {
  return async (req: Request, res: Response): Promise<void> => {
    const source = await sourceOf(rt, req, res);
    const { actors, scope } = source;
    const dirName = (id: string | null) => (id === null ? '' : (source.directories.find((d) => d.id === id)?.name ?? id));
    // The deployment's export says whose each event is; an organization's is all its own.
    const orgColumn = scope.kind === 'deployment';
    const orgName = (id: string | null) => (id === null ? '' : scope.kind === 'deployment' ? (scope.orgs.find((o) => o.id === id)?.name ?? id) : scope.org.name);
    const stamp = rt.now().toISOString().slice(0, 10);
    res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', `attachment; filename="launchgate-audit-${stamp}.csv"`);
    res.write(
      csvRow([
        'time_utc', 'decision', 'reason', 'what_happened', 'explanation', 'details', 'email', 'subject', 'partner',
        ...(orgColumn ? ['organization'] : []), 'directory', 'product', 'by', 'request_id', 'event_id',
      ]),
    );
    let written = 0;
    while (written < EXPORT_MAX) {
      const page = await source.list({ limit: EXPORT_PAGE, offset: written });
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
            ...(orgColumn ? [orgName(e.orgId)] : []),
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
  };
}

export function auditRoutes(rt: ConsoleRuntime, router: Router): void {
  router.get('/orgs/:orgId/audit', auditPage(rt, organizationSource));
  router.get('/orgs/:orgId/audit.csv', auditExport(rt, organizationSource));
  router.get('/audit', auditPage(rt, deploymentSource));
  router.get('/audit.csv', auditExport(rt, deploymentSource));
}

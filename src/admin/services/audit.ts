/** Admin changes go to the same append-only audit log as launches, with the action as the reason. */
import type { Partner } from '../../identity/launch-identity';
import { ALLOWED_REASONS, PROTOCOL_REASONS, REFUSAL_REASONS } from '../../provisioning/reasons';
import type { AuditEvent, AuditKind, Decision } from '../../store/model';
import type { Page, Paging } from '../../store/port';
import type { Actor } from '../auth';
import type { AdminDeps, CallMeta } from './deps';
import { invalidInput } from './errors';
import { requireOperator, visibleOrganization } from './scope';

export const ADMIN_ACTIONS = [
  'organization.created',
  /** scripts/seed.ts: the quick start's demo organization, written straight to the store. */
  'organization.seeded',
  'entitlement.set',
  'directory.created',
  'directory.updated',
  'domain.claimed',
  'domain.verified',
  'domain.removed',
  'domain.superseded',
  'connection.linked',
  'connection.updated',
  'connection.unlinked',
  'connection.deleted',
  'connection.claim_refused',
  'license.assigned',
  'license.revoked',
  'user.blocked',
  'user.unblocked',
  'api_token.created',
  'api_token.revoked',
  'admin_account.created',
  'admin_account.disabled',
  'admin_account.enabled',
  'admin_account.password_changed',
] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/** Every value an audit event's `reason` can take, for filters. */
export const AUDIT_REASONS = [...REFUSAL_REASONS, ...ALLOWED_REASONS, ...PROTOCOL_REASONS, ...ADMIN_ACTIONS] as const;
export type AuditReason = (typeof AUDIT_REASONS)[number];

export interface AdminChange {
  action: AdminAction;
  orgId: string | null;
  directoryId?: string | null;
  connectionId?: string | null;
  partner?: Partner | null;
  userId?: string | null;
  email?: string | null;
  productId?: string | null;
  detail?: Record<string, unknown> | null;
}

/** Needs only the store and the clock, so start-up code (the bootstrap token) records changes the same way. */
export async function recordAdminChange(deps: Pick<AdminDeps, 'store' | 'now'>, actor: Actor, change: AdminChange, meta: CallMeta = {}): Promise<AuditEvent> {
  return deps.store.appendAudit({
    time: deps.now(),
    kind: 'admin',
    orgId: change.orgId,
    directoryId: change.directoryId ?? null,
    connectionId: change.connectionId ?? null,
    partner: change.partner ?? null,
    subject: null,
    email: change.email ?? null,
    userId: change.userId ?? null,
    productId: change.productId ?? null,
    decision: null,
    reason: change.action,
    requestId: meta.requestId ?? null,
    actor: actor.id,
    detail: change.detail ?? null,
  });
}

export interface AuditQuery {
  kind?: AuditKind;
  decision?: Decision;
  reason?: AuditReason;
  partner?: Partner;
  directoryId?: string;
  userId?: string;
  since?: Date;
  until?: Date;
}

function checkWindow(query: AuditQuery): void {
  if (query.since && query.until && query.since > query.until) {
    throw invalidInput('"since" must not be later than "until".', 'since');
  }
}

export async function listAuditEvents(deps: AdminDeps, actor: Actor, orgId: string, query: AuditQuery, paging: Paging): Promise<Page<AuditEvent>> {
  await visibleOrganization(deps, actor, orgId);
  checkWindow(query);
  // The organization filter alone scopes the directory filter: another organization's directory id finds nothing.
  return deps.store.listAudit({ ...query, orgId }, paging);
}

/** How many events match, e.g. launches and refusals of the last day for the console's overview. */
export async function countAuditEvents(deps: AdminDeps, actor: Actor, orgId: string, query: AuditQuery): Promise<number> {
  await visibleOrganization(deps, actor, orgId);
  return deps.store.countAudit({ ...query, orgId });
}

export interface DeploymentAuditQuery extends AuditQuery {
  /**
   * One organization's events; `null` for events of no organization (a launch from a tenant
   * nobody linked, a protocol failure before any tenant was known); absent for every event.
   */
  orgId?: string | null;
}

/**
 * The whole deployment's log, for the operator only. Refusals of unknown or unlinked tenants are
 * stored without an organization, so no organization's log shows them: this is where they are read.
 */
export async function listDeploymentAuditEvents(deps: AdminDeps, actor: Actor, query: DeploymentAuditQuery, paging: Paging): Promise<Page<AuditEvent>> {
  requireOperator(actor, 'read audit events across organizations');
  checkWindow(query);
  return deps.store.listAudit(query, paging);
}

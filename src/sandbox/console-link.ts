/**
 * Where an audit event is in the admin console. The console's audit pages take date-time filters
 * (`since` inclusive, `until` exclusive), so a window of one millisecond around the event shows it.
 * An event without an organization (a district nobody linked) is in no organization's log: it is in
 * the operator's view of launches not tied to an organization (the sandbox's admin is an operator).
 */
import type { AuditEvent } from '../store/model';

export function consoleUrlOf(event: AuditEvent): string {
  const params = new URLSearchParams();
  if (event.orgId === null) params.set('org', 'none');
  params.set('since', event.time.toISOString());
  params.set('until', new Date(event.time.getTime() + 1).toISOString());
  if (event.partner !== null) params.set('partner', event.partner);
  const page = event.orgId === null ? '/admin/audit' : `/admin/orgs/${encodeURIComponent(event.orgId)}/audit`;
  return `${page}?${params.toString()}`;
}

/**
 * Where an audit event is in the admin console. The console's audit page takes date-time filters
 * (`since` inclusive, `until` exclusive), so a window of one millisecond around the event shows it.
 * An event without an organization (a district nobody linked) is in no organization's log.
 */
import type { AuditEvent } from '../store/model';

export function consoleUrlOf(event: AuditEvent): string | null {
  if (event.orgId === null) return null;
  const params = new URLSearchParams({
    since: event.time.toISOString(),
    until: new Date(event.time.getTime() + 1).toISOString(),
  });
  if (event.partner !== null) params.set('partner', event.partner);
  return `/admin/orgs/${encodeURIComponent(event.orgId)}/audit?${params.toString()}`;
}

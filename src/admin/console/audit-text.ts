/** Audit events in plain words: launch reasons use the same texts as the refusal pages; admin actions get their own. */
import { isLaunchReason, REASON_TEXT } from '../../provisioning/reasons';
import type { AuditEvent } from '../../store/model';
import type { AdminAction } from '../services';

export const ADMIN_ACTION_TEXT: Record<AdminAction, string> = {
  'organization.created': 'Organization created',
  'organization.seeded': 'Demo organization seeded',
  'entitlement.set': 'Seats changed',
  'directory.created': 'Directory created',
  'directory.updated': 'Directory settings changed',
  'domain.claimed': 'Domain claimed',
  'domain.verified': 'Domain verified',
  'domain.removed': 'Domain removed',
  'domain.superseded': 'Domain claim removed: verified by another directory',
  'connection.linked': 'Portal connection linked',
  'connection.updated': 'Portal connection changed',
  'connection.unlinked': 'Portal connection unlinked',
  'connection.deleted': 'Pending registration deleted',
  'connection.claim_refused': 'Registration claim refused: missing or wrong claim code',
  'license.assigned': 'License assigned by an admin',
  'license.revoked': 'License revoked',
  'user.blocked': 'User blocked',
  'user.unblocked': 'User unblocked',
  'api_token.created': 'API token created',
  'api_token.revoked': 'API token revoked',
  'admin_account.created': 'Admin account created',
  'admin_account.disabled': 'Admin account disabled',
  'admin_account.enabled': 'Admin account enabled',
  'admin_account.password_changed': 'Admin password changed',
};

/** A short label and, for launches, the sentence that explains the decision to an admin. */
export function describeReason(reason: string): { label: string; explanation: string } {
  if (isLaunchReason(reason)) {
    const text = REASON_TEXT[reason];
    return { label: text.title, explanation: text.admin };
  }
  if (reason in ADMIN_ACTION_TEXT) return { label: ADMIN_ACTION_TEXT[reason as AdminAction], explanation: '' };
  return { label: reason, explanation: '' };
}

/** What changed, for admin events: "jitEnabled: true → false". */
export function describeDetail(event: AuditEvent): string {
  if (event.detail === null) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(event.detail)) {
    if (value !== null && typeof value === 'object' && 'from' in value && 'to' in value) {
      const change = value as { from: unknown; to: unknown };
      parts.push(`${key}: ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      parts.push(`${key}: ${String(value)}`);
    }
  }
  return parts.join('; ');
}

export function decisionText(event: AuditEvent): string {
  if (event.kind === 'admin') return 'Admin change';
  return event.decision === 'allowed' ? 'Allowed' : 'Refused';
}

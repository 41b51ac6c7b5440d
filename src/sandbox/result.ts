/** What the sandbox shows after a launch: the decision and where its audit event is. Pure. */
import { isLaunchReason, REASON_TEXT } from '../provisioning/reasons';
import type { AuditEvent } from '../store/model';
import { consoleUrlOf } from './console-link';

export type LaunchResult =
  | { state: 'waiting' }
  | {
      state: 'decided';
      eventId: string;
      time: string;
      decision: 'allowed' | 'refused';
      reason: string;
      /** For the admin: what the reason means. */
      explanation: string;
      /** For protocol failures: the precise check that failed. */
      check: string | null;
      requestId: string | null;
      /** The event in the admin console (the operator view of launches of no organization when it has none). */
      consoleUrl: string;
    };

export function resultOf(event: AuditEvent | null): LaunchResult {
  if (event === null) return { state: 'waiting' };
  const check = event.detail?.check;
  return {
    state: 'decided',
    eventId: event.id,
    time: event.time.toISOString(),
    decision: event.decision === 'allowed' ? 'allowed' : 'refused',
    reason: event.reason,
    explanation: isLaunchReason(event.reason) ? REASON_TEXT[event.reason].admin : event.reason,
    check: typeof check === 'string' ? check : null,
    requestId: event.requestId,
    consoleUrl: consoleUrlOf(event),
  };
}

/** Reads how a launch ended from the last page the browser got. */
import type { Hop } from './browser';
import type { LaunchOutcome } from './load';

const ACCESS = /data-testid="access">([a-z_]+)</;
const REASON = /data-reason="([a-z_]+)"/;

/** LaunchGate's built-in product page (an allowed launch) or its refusal page (a decided refusal). */
export function launchGateOutcome(last: Hop, productPath: string): LaunchOutcome {
  if (last.status === 200 && new URL(last.url).pathname === productPath) {
    const access = ACCESS.exec(last.body)?.[1];
    if (access !== undefined) return { outcome: access };
  }
  const reason = REASON.exec(last.body)?.[1];
  if (reason !== undefined) return { outcome: reason };
  return { outcome: 'error', detail: `${last.status} at ${new URL(last.url).pathname}: ${last.body.replace(/\s+/g, ' ').slice(0, 160)}` };
}

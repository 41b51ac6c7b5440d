/** What the Canvas route handlers share, and how every failure of theirs becomes one sink.fail. */
import type { Request, Response } from 'express';
import type { TenantKey } from '../../src/identity/launch-identity';
import type { LaunchSink } from '../../src/identity/launch-sink';
import type { EphemeralStore } from '../../src/store/port';
import type { Logger } from '../../src/server/logger';
import type { ClockPolicy } from './checks';
import { LaunchCheckError, PlatformUnavailableError } from './errors';
import type { LoginStates } from './login-state';
import type { PlatformKeys } from './platform-keys';
import type { CanvasRegistry } from './registry';

export interface CanvasRuntime {
  registry: CanvasRegistry;
  states: LoginStates;
  keys: PlatformKeys;
  ephemeral: EphemeralStore;
  sink: LaunchSink;
  logger: Logger;
  publicUrl: URL;
  now: () => Date;
  clock: ClockPolicy;
}

/** The launch names a developer key or deployment LaunchGate has no linked connection for. */
export class NotLinkedError extends Error {
  override readonly name = 'NotLinkedError';
  constructor(
    readonly check: 'client_id_unknown' | 'deployment_not_linked' | 'connection_pending',
    message: string,
  ) {
    super(message);
  }
}

export interface FailureContext {
  tenant?: TenantKey;
  subject?: string;
}

export function canvasTenant(issuer: string, clientId: string, deploymentId: string | null | undefined): TenantKey | undefined {
  return deploymentId ? { partner: 'canvas', issuer, clientId, deploymentId } : undefined;
}

/** Ends the request with the sink for every failure we know; anything else is a bug and propagates. */
export async function failLaunch(rt: CanvasRuntime, req: Request, res: Response, err: unknown, context: FailureContext = {}): Promise<void> {
  if (err instanceof LaunchCheckError) {
    await rt.sink.fail(req, res, { partner: 'canvas', reason: 'launch_invalid', check: err.code, cause: err.message, ...context });
  } else if (err instanceof NotLinkedError) {
    await rt.sink.fail(req, res, { partner: 'canvas', reason: 'connection_not_linked', check: err.check, cause: err.message, ...context });
  } else if (err instanceof PlatformUnavailableError) {
    await rt.sink.fail(req, res, { partner: 'canvas', reason: 'partner_error', check: err.code, cause: err.message, ...context });
  } else {
    throw err;
  }
}

/** A form or query field as a string, or undefined (a repeated field arrives as a list, and is refused). */
export function field(source: unknown, name: string, maxLength = 4096): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' && value.length <= maxLength ? value : undefined;
}

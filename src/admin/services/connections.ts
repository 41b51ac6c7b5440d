/**
 * Connections link a partner tenant (Canvas deployments, a Clever district, a ClassLink tenant) to
 * a directory: launches from the tenant provision into that directory.
 */
import type { Partner } from '../../identity/launch-identity';
import type { Connection, ConnectionSettings, ConnectionStatus } from '../../store/model';
import { StoreConflictError } from '../../store/errors';
import type { ConnectionPatch } from '../../store/port';
import type { Actor } from '../auth';
import { recordAdminChange } from './audit';
import type { AdminDeps, CallMeta } from './deps';
import { AdminError, invalidInput, notFound } from './errors';
import { canSeeConnection, changeableConnection, orgScope, visibleConnection, visibleDirectory } from './scope';

/** Instructure's cloud-hosted Canvas: used when a Canvas connection leaves its endpoints out. */
export const CANVAS_CLOUD_ENDPOINTS = {
  authEndpoint: 'https://sso.canvaslms.com/api/lti/authorize_redirect',
  tokenEndpoint: 'https://canvas.instructure.com/login/oauth2/token',
  jwksUrl: 'https://sso.canvaslms.com/api/lti/security/jwks',
} as const;

export const MAX_DEPLOYMENT_IDS = 50;

interface CommonInput {
  enabled?: boolean;
  trustEmail?: boolean;
  label?: string | null;
}
export type CanvasConnectionInput = CommonInput & {
  partner: 'canvas';
  issuer: string;
  clientId: string;
  deploymentIds: string[];
  authEndpoint?: string;
  tokenEndpoint?: string;
  jwksUrl?: string;
};
export type CleverConnectionInput = CommonInput & { partner: 'clever'; districtId: string };
export type ClassLinkConnectionInput = CommonInput & { partner: 'classlink'; tenantId: string };
export type ConnectionInput = CanvasConnectionInput | CleverConnectionInput | ClassLinkConnectionInput;

export interface ConnectionChanges {
  enabled?: boolean;
  trustEmail?: boolean;
  deploymentIds?: string[];
  label?: string | null;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Partner endpoints carry keys and tokens, so they must be https; plain http is allowed only on
 * this machine, for the partner simulators. The string is kept as given: an issuer is compared
 * byte for byte with the `iss` of every launch.
 */
export function checkPartnerUrl(raw: string, field: string): string {
  const value = raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidInput(`${field} must be an absolute URL, e.g. https://canvas.example.edu.`, field);
  }
  const local = LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw invalidInput(`${field} must be an https URL (plain http is allowed only for localhost).`, field);
  }
  if (url.username !== '' || url.password !== '') throw invalidInput(`${field} must not contain a user name or password.`, field);
  if (url.hash !== '') throw invalidInput(`${field} must not contain a #fragment.`, field);
  return value;
}

function required(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw invalidInput(`${field} must not be empty.`, field);
  return trimmed;
}

function checkDeploymentIds(ids: string[]): string[] {
  const unique = [...new Set(ids.map((id, i) => required(id, `deploymentIds.${i}`)))];
  if (unique.length === 0 || unique.length > MAX_DEPLOYMENT_IDS) {
    throw invalidInput(`deploymentIds must list 1 to ${MAX_DEPLOYMENT_IDS} Canvas deployment ids.`, 'deploymentIds');
  }
  return unique;
}

function settingsFor(input: ConnectionInput): ConnectionSettings {
  switch (input.partner) {
    case 'canvas':
      return {
        partner: 'canvas',
        issuer: checkPartnerUrl(input.issuer, 'issuer'),
        clientId: required(input.clientId, 'clientId'),
        deploymentIds: checkDeploymentIds(input.deploymentIds),
        authEndpoint: checkPartnerUrl(input.authEndpoint ?? CANVAS_CLOUD_ENDPOINTS.authEndpoint, 'authEndpoint'),
        tokenEndpoint: checkPartnerUrl(input.tokenEndpoint ?? CANVAS_CLOUD_ENDPOINTS.tokenEndpoint, 'tokenEndpoint'),
        jwksUrl: checkPartnerUrl(input.jwksUrl ?? CANVAS_CLOUD_ENDPOINTS.jwksUrl, 'jwksUrl'),
      };
    case 'clever':
      return { partner: 'clever', districtId: required(input.districtId, 'districtId') };
    case 'classlink':
      return { partner: 'classlink', tenantId: required(input.tenantId, 'tenantId') };
  }
}

const TENANT_FIELD: Record<Partner, string> = { canvas: 'deploymentIds', clever: 'districtId', classlink: 'tenantId' };

function tenantConflict(error: unknown, partner: Partner): unknown {
  if (error instanceof StoreConflictError && error.code === 'tenant_taken') {
    return new AdminError('conflict', 'This partner tenant is already linked by another connection.', TENANT_FIELD[partner]);
  }
  return error;
}

function label(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

export async function listDirectoryConnections(deps: AdminDeps, actor: Actor, directoryId: string): Promise<Connection[]> {
  await visibleDirectory(deps, actor, directoryId);
  return deps.store.listConnections({ directoryId });
}

/** Everything the actor can see: its organization's connections, and pending ones waiting to be linked. */
export async function listConnections(
  deps: AdminDeps,
  actor: Actor,
  filter: { status?: ConnectionStatus; partner?: Partner } = {},
): Promise<Connection[]> {
  const orgId = orgScope(actor);
  if (orgId === undefined) return deps.store.listConnections(filter);
  const own = filter.status === 'pending' ? [] : await deps.store.listConnections({ ...filter, orgId });
  const pending =
    filter.status === 'linked' ? [] : (await deps.store.listConnections({ ...filter, status: 'pending' })).filter((c) => canSeeConnection(actor, c));
  const byId = new Map([...own, ...pending].map((c) => [c.id, c]));
  return [...byId.values()];
}

export async function getConnection(deps: AdminDeps, actor: Actor, connectionId: string): Promise<Connection> {
  return visibleConnection(deps, actor, connectionId);
}

export async function createConnection(
  deps: AdminDeps,
  actor: Actor,
  directoryId: string,
  input: ConnectionInput,
  meta?: CallMeta,
): Promise<Connection> {
  const directory = await visibleDirectory(deps, actor, directoryId);
  const settings = settingsFor(input);
  let connection: Connection;
  try {
    connection = await deps.store.createConnection({
      status: 'linked',
      orgId: directory.orgId,
      directoryId,
      settings,
      enabled: input.enabled ?? true,
      trustEmail: input.trustEmail ?? true,
      label: label(input.label),
    });
  } catch (error) {
    throw tenantConflict(error, input.partner);
  }
  await recordAdminChange(
    deps,
    actor,
    { action: 'connection.linked', orgId: directory.orgId, directoryId, connectionId: connection.id, partner: connection.partner, detail: { settings } },
    meta,
  );
  return connection;
}

/** Links a pending connection (e.g. from Canvas dynamic registration) to one of the actor's directories. */
export async function linkConnection(deps: AdminDeps, actor: Actor, connectionId: string, directoryId: string, meta?: CallMeta): Promise<Connection> {
  const connection = await visibleConnection(deps, actor, connectionId);
  const directory = await visibleDirectory(deps, actor, directoryId);
  if (connection.status !== 'pending') {
    throw new AdminError('conflict', 'This connection is already linked; unlink it first to move it to another directory.');
  }
  // Conditional in the store: of two admins linking the same pending connection at once, one wins.
  const linked = await deps.store.updateConnection(connectionId, { status: 'linked', orgId: directory.orgId, directoryId }, { status: 'pending' });
  if (linked === null) {
    if ((await deps.store.getConnection(connectionId)) === null) throw notFound('connection', connectionId);
    throw new AdminError('conflict', 'This connection was linked by someone else a moment ago.');
  }
  await recordAdminChange(
    deps,
    actor,
    { action: 'connection.linked', orgId: directory.orgId, directoryId, connectionId, partner: linked.partner, detail: { from: 'pending' } },
    meta,
  );
  return linked;
}

export async function updateConnection(
  deps: AdminDeps,
  actor: Actor,
  connectionId: string,
  changes: ConnectionChanges,
  meta?: CallMeta,
): Promise<Connection> {
  const before = await changeableConnection(deps, actor, connectionId);
  const patch: ConnectionPatch = {};
  const detail: Record<string, { from: unknown; to: unknown }> = {};
  if (changes.enabled !== undefined && changes.enabled !== before.enabled) {
    patch.enabled = changes.enabled;
    detail.enabled = { from: before.enabled, to: changes.enabled };
  }
  if (changes.trustEmail !== undefined && changes.trustEmail !== before.trustEmail) {
    patch.trustEmail = changes.trustEmail;
    detail.trustEmail = { from: before.trustEmail, to: changes.trustEmail };
  }
  if (changes.label !== undefined && label(changes.label) !== before.label) {
    patch.label = label(changes.label);
    detail.label = { from: before.label, to: patch.label };
  }
  if (changes.deploymentIds !== undefined) {
    if (before.settings.partner !== 'canvas') {
      throw invalidInput('Only Canvas connections have deployment ids.', 'deploymentIds');
    }
    const deploymentIds = checkDeploymentIds(changes.deploymentIds);
    if (deploymentIds.join('\n') !== before.settings.deploymentIds.join('\n')) {
      patch.settings = { ...before.settings, deploymentIds };
      detail.deploymentIds = { from: before.settings.deploymentIds, to: deploymentIds };
    }
  }
  if (Object.keys(detail).length === 0) return before;
  let after: Connection | null;
  try {
    after = await deps.store.updateConnection(connectionId, patch);
  } catch (error) {
    throw tenantConflict(error, before.partner);
  }
  if (after === null) throw notFound('connection', connectionId);
  await recordAdminChange(
    deps,
    actor,
    { action: 'connection.updated', orgId: after.orgId, directoryId: after.directoryId, connectionId, partner: after.partner, detail },
    meta,
  );
  return after;
}

/** Removes the connection: launches from its tenant are refused as not linked until linked again. */
export async function unlinkConnection(deps: AdminDeps, actor: Actor, connectionId: string, meta?: CallMeta): Promise<void> {
  const connection = await changeableConnection(deps, actor, connectionId);
  if (!(await deps.store.deleteConnection(connectionId))) throw notFound('connection', connectionId);
  await recordAdminChange(
    deps,
    actor,
    {
      action: 'connection.unlinked',
      orgId: connection.orgId,
      directoryId: connection.directoryId,
      connectionId,
      partner: connection.partner,
      detail: { status: connection.status, settings: connection.settings },
    },
    meta,
  );
}

/**
 * Connections link a partner tenant (Canvas deployments, a Clever district, a ClassLink tenant) to
 * a directory: launches from the tenant provision into that directory.
 */
import { ipLiteralOf, isNonPublicAddress } from '../../identity/address-ranges';
import { defaultCanvasEndpoints } from '../../identity/canvas-hosts';
import type { Partner } from '../../identity/launch-identity';
import type { Connection, ConnectionSettings, ConnectionStatus } from '../../store/model';
import { StoreConflictError } from '../../store/errors';
import type { ConnectionPatch } from '../../store/port';
import type { Actor } from '../auth';
import { recordAdminChange } from './audit';
import { claimedConnectionId, consumeClaimCode } from './claim-codes';
import type { AdminDeps, CallMeta } from './deps';
import { AdminError, invalidInput, notFound } from './errors';
import { changeableConnection, orgScope, requireOperator, visibleConnection, visibleDirectory } from './scope';

/**
 * Instructure's production Canvas (issuer https://canvas.instructure.com). A connection that leaves
 * its endpoints out gets those of its own issuer (defaultCanvasEndpoints): beta and test Canvas
 * have SSO hosts and keys of their own.
 */
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

export interface PartnerUrlPolicy {
  /** Production: refuse hosts that are plainly not on the public internet (AdminDeps.refusePrivateHosts). */
  refusePrivateHosts: boolean;
}

/**
 * Partner endpoints carry keys and tokens, so they must be https; plain http is allowed only on
 * this machine, for the partner simulators. The string is kept as given: an issuer is compared
 * byte for byte with the `iss` of every launch.
 */
export function checkPartnerUrl(raw: string, field: string, policy: PartnerUrlPolicy = { refusePrivateHosts: false }): string {
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
  if (policy.refusePrivateHosts) checkPublicHost(url, field);
  return value;
}

/**
 * In production LaunchGate itself calls these endpoints (a launch fetches the key set), so none
 * may point into its own network: cloud metadata at 169.254.169.254, services on 10.0.0.0/8, this
 * machine. Judged here from the URL alone, without DNS (IP literals and localhost); a name is
 * resolved and checked by the Canvas adapter just before each call.
 */
function checkPublicHost(url: URL, field: string): void {
  const literal = ipLiteralOf(url);
  const name = url.hostname.replace(/\.$/, '').toLowerCase();
  const thisMachine = name === 'localhost' || name.endsWith('.localhost');
  if (thisMachine || (literal !== null && isNonPublicAddress(literal))) {
    throw invalidInput(`${field} must point at a server on the public internet; ${url.hostname} is a private, loopback or link-local address.`, field);
  }
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

function settingsFor(input: ConnectionInput, policy: PartnerUrlPolicy): ConnectionSettings {
  switch (input.partner) {
    case 'canvas': {
      // The issuer too: the endpoints it leaves out default to its own host.
      const issuer = checkPartnerUrl(input.issuer, 'issuer', policy);
      const defaults = defaultCanvasEndpoints(new URL(issuer));
      return {
        partner: 'canvas',
        issuer,
        clientId: required(input.clientId, 'clientId'),
        deploymentIds: checkDeploymentIds(input.deploymentIds),
        authEndpoint: checkPartnerUrl(input.authEndpoint ?? defaults.authEndpoint, 'authEndpoint', policy),
        tokenEndpoint: checkPartnerUrl(input.tokenEndpoint ?? defaults.tokenEndpoint, 'tokenEndpoint', policy),
        jwksUrl: checkPartnerUrl(input.jwksUrl ?? defaults.jwksUrl, 'jwksUrl', policy),
      };
    }
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

/**
 * Everything the actor can see: for an organization admin, its organization's connections (never
 * pending registrations: those are claimed with their code); for the operator, all of them.
 */
export async function listConnections(
  deps: AdminDeps,
  actor: Actor,
  filter: { status?: ConnectionStatus; partner?: Partner } = {},
): Promise<Connection[]> {
  const orgId = orgScope(actor);
  return deps.store.listConnections(orgId === undefined ? filter : { ...filter, orgId });
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
  const settings = settingsFor(input, { refusePrivateHosts: deps.refusePrivateHosts });
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

export interface LinkInput {
  directoryId: string;
  /**
   * The one-time code from the registration's done page. Required of an organization admin:
   * without the right one the pending connection answers not_found like any other organization's.
   * The operator needs none.
   */
  claimCode?: string;
  /** Canvas deployment ids to add to those the registration recorded. */
  deploymentIds?: string[];
}

/**
 * An organization admin's attempt with a missing or wrong code: refused as not_found (the same
 * answer whether or not the id exists, so ids cannot be probed) and recorded in the admin's own
 * organization's audit log.
 */
async function refuseClaim(deps: AdminDeps, actor: Actor, connectionId: string, why: 'missing' | 'wrong', meta?: CallMeta): Promise<never> {
  if (actor.kind === 'org_admin') {
    await recordAdminChange(deps, actor, { action: 'connection.claim_refused', orgId: actor.orgId, detail: { connectionId, claimCode: why } }, meta);
  }
  throw notFound('connection', connectionId);
}

/** The pending connection an organization admin may link: only the one its claim code was issued for. */
async function claimableConnection(deps: AdminDeps, actor: Actor, connectionId: string, claimCode: string | undefined, meta?: CallMeta): Promise<Connection> {
  if (actor.kind === 'operator') return visibleConnection(deps, actor, connectionId);
  if (claimCode === undefined || claimCode.trim() === '') return refuseClaim(deps, actor, connectionId, 'missing', meta);
  if ((await claimedConnectionId(deps.store.ephemeral, claimCode)) !== connectionId) return refuseClaim(deps, actor, connectionId, 'wrong', meta);
  const connection = await deps.store.getConnection(connectionId);
  if (connection === null || connection.status !== 'pending') {
    // Linked meanwhile (by the operator, say) or removed: the code has nothing left to claim.
    await consumeClaimCode(deps.store.ephemeral, claimCode);
    return refuseClaim(deps, actor, connectionId, 'wrong', meta);
  }
  return connection;
}

/** Links a pending connection (e.g. from Canvas dynamic registration) to one of the actor's directories. */
export async function linkConnection(deps: AdminDeps, actor: Actor, connectionId: string, input: LinkInput, meta?: CallMeta): Promise<Connection> {
  const connection = await claimableConnection(deps, actor, connectionId, input.claimCode, meta);
  const directory = await visibleDirectory(deps, actor, input.directoryId);
  if (connection.status !== 'pending') {
    throw new AdminError('conflict', 'This connection is already linked; unlink it first to move it to another directory.');
  }
  const patch: ConnectionPatch = { status: 'linked', orgId: directory.orgId, directoryId: directory.id };
  if (input.deploymentIds !== undefined && input.deploymentIds.length > 0) {
    if (connection.settings.partner !== 'canvas') throw invalidInput('Only Canvas connections have deployment ids.', 'deploymentIds');
    patch.settings = { ...connection.settings, deploymentIds: checkDeploymentIds([...connection.settings.deploymentIds, ...input.deploymentIds]) };
  }
  // Conditional in the store: of two admins linking the same pending connection at once, one
  // wins. That is also what makes a claim code single-use: once linked, nothing is pending for it.
  let linked: Connection | null;
  try {
    linked = await deps.store.updateConnection(connectionId, patch, { status: 'pending' });
  } catch (error) {
    throw tenantConflict(error, connection.partner);
  }
  if (linked === null) {
    if ((await deps.store.getConnection(connectionId)) === null) throw notFound('connection', connectionId);
    throw new AdminError('conflict', 'This connection was linked by someone else a moment ago.');
  }
  // Used up only now, so a refusal above (a deployment id taken, say) leaves the admin the code.
  if (input.claimCode !== undefined) await consumeClaimCode(deps.store.ephemeral, input.claimCode);
  const detail: Record<string, unknown> = { from: 'pending', claimedWithCode: actor.kind !== 'operator' };
  if (patch.settings?.partner === 'canvas' && connection.settings.partner === 'canvas') {
    detail.deploymentIds = { from: connection.settings.deploymentIds, to: patch.settings.deploymentIds };
  }
  await recordAdminChange(
    deps,
    actor,
    { action: 'connection.linked', orgId: directory.orgId, directoryId: directory.id, connectionId, partner: linked.partner, detail },
    meta,
  );
  return linked;
}

/**
 * Links the pending connection a claim code was issued for, found by the code alone (the console
 * form: the admin has the code, not the id). A code that claims nothing is refused as not_found.
 */
export async function claimConnection(deps: AdminDeps, actor: Actor, directoryId: string, claimCode: string, meta?: CallMeta): Promise<Connection> {
  await visibleDirectory(deps, actor, directoryId);
  const connectionId = await claimedConnectionId(deps.store.ephemeral, claimCode);
  if (connectionId === null) {
    if (actor.kind === 'org_admin') {
      await recordAdminChange(deps, actor, { action: 'connection.claim_refused', orgId: actor.orgId, detail: { claimCode: claimCode.trim() === '' ? 'missing' : 'wrong' } }, meta);
    }
    throw new AdminError('not_found', 'No pending registration has that claim code. Check it with the Canvas admin who registered LaunchGate; a code works once, for 30 days.');
  }
  return linkConnection(deps, actor, connectionId, { directoryId, claimCode }, meta);
}

/** Deletes a pending registration nobody should link (unknown, or registered by mistake). Operator only. */
export async function deletePendingConnection(deps: AdminDeps, actor: Actor, connectionId: string, meta?: CallMeta): Promise<Connection> {
  requireOperator(actor, 'delete a pending registration');
  const connection = await visibleConnection(deps, actor, connectionId);
  if (connection.status !== 'pending') {
    throw new AdminError('conflict', 'This connection is linked to a directory; unlink it there instead.');
  }
  if (!(await deps.store.deleteConnection(connectionId))) throw notFound('connection', connectionId);
  await recordAdminChange(
    deps,
    actor,
    { action: 'connection.deleted', orgId: null, connectionId, partner: connection.partner, detail: { status: connection.status, settings: connection.settings, label: connection.label } },
    meta,
  );
  return connection;
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

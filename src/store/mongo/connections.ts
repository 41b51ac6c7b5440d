/**
 * Connections and the tenant keys they answer for. The keys live in the connection document
 * (`tenantKeys`) under a unique multikey index, so "one tenant, one connection" is enforced by the
 * insert or update itself: a second connection claiming a taken key fails with E11000, which the
 * store reports as StoreConflictError('tenant_taken').
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Connection, ConnectionSettings, ConnectionStatus } from '../model';
import type { ConnectionFilter, ConnectionPatch, NewConnection } from '../port';
import { CREATION_ORDER, connectionFilter, stringEquals, text } from './filters';
import { toConnection } from './mapping';
import type { ConnectionDoc, Models } from './schemas';
import { unlinkConnection } from './users';
import { connectionKeys } from '../tenant-keys';

export function tenantKeys(settings: ConnectionSettings): string[] {
  return connectionKeys(settings);
}

export async function createConnection(m: Models, at: Date, input: NewConnection): Promise<Connection> {
  const doc: ConnectionDoc = {
    _id: randomUUID(),
    seq: new Types.ObjectId(),
    partner: input.settings.partner,
    status: input.status,
    orgId: input.orgId,
    directoryId: input.directoryId,
    settings: input.settings,
    tenantKeys: tenantKeys(input.settings),
    enabled: input.enabled,
    trustEmail: input.trustEmail,
    label: input.label,
    createdAt: at,
    updatedAt: at,
  };
  await m.connections.create(doc);
  return toConnection(doc);
}

export async function getConnection(m: Models, id: string): Promise<Connection | null> {
  const doc = await m.connections.findById(text(id)).lean<ConnectionDoc>();
  return doc && toConnection(doc);
}

export async function findConnectionByTenantKey(m: Models, tenantKey: string): Promise<Connection | null> {
  const doc = await m.connections.findOne({ tenantKeys: stringEquals(tenantKey) }).lean<ConnectionDoc>();
  return doc && toConnection(doc);
}

export async function findCanvasConnections(m: Models, issuer: string, clientId: string): Promise<Connection[]> {
  const docs = await m.connections
    .find({ partner: 'canvas', 'settings.issuer': text(issuer), 'settings.clientId': text(clientId) })
    .sort(CREATION_ORDER)
    .lean<ConnectionDoc[]>();
  return docs.map(toConnection);
}

export async function listConnections(m: Models, filter: ConnectionFilter): Promise<Connection[]> {
  const docs = await m.connections.find(connectionFilter(filter)).sort(CREATION_ORDER).lean<ConnectionDoc[]>();
  return docs.map(toConnection);
}

export async function updateConnection(
  m: Models,
  at: Date,
  id: string,
  patch: ConnectionPatch,
  onlyIf?: { status: ConnectionStatus },
): Promise<Connection | null> {
  const set: Partial<ConnectionDoc> = { updatedAt: at };
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.orgId !== undefined) set.orgId = patch.orgId;
  if (patch.directoryId !== undefined) set.directoryId = patch.directoryId;
  if (patch.enabled !== undefined) set.enabled = patch.enabled;
  if (patch.trustEmail !== undefined) set.trustEmail = patch.trustEmail;
  if (patch.label !== undefined) set.label = patch.label;
  if (patch.settings !== undefined) {
    // Settings and their keys change in the same update, so the index never holds stale keys.
    set.settings = patch.settings;
    set.partner = patch.settings.partner;
    set.tenantKeys = tenantKeys(patch.settings);
  }
  // The status condition is part of the filter, so "link if still pending" is one atomic update.
  const filter = onlyIf ? { _id: text(id), status: text(onlyIf.status) } : { _id: text(id) };
  const doc = await m.connections.findOneAndUpdate(filter, { $set: set }, { new: true }).lean<ConnectionDoc>();
  return doc && toConnection(doc);
}

export async function deleteConnection(m: Models, id: string): Promise<boolean> {
  const result = await m.connections.deleteOne({ _id: text(id) });
  if (result.deletedCount !== 1) return false;
  // Not atomic with the delete: if this step is lost, the leftover identities name a connection
  // id that no longer exists (ids are never reused), so no launch can reach them.
  await unlinkConnection(m, id);
  return true;
}

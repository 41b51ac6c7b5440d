/** Directories: the user pools of an organization, each with its own JIT switch, domains and connections. */
import type { Directory } from '../../store/model';
import type { Actor } from '../auth';
import { recordAdminChange } from './audit';
import type { AdminDeps, CallMeta } from './deps';
import { invalidInput, notFound } from './errors';
import { visibleDirectory, visibleOrganization } from './scope';

export async function listDirectories(deps: AdminDeps, actor: Actor, orgId: string): Promise<Directory[]> {
  await visibleOrganization(deps, actor, orgId);
  return deps.store.listDirectories(orgId);
}

export async function getDirectory(deps: AdminDeps, actor: Actor, directoryId: string): Promise<Directory> {
  return visibleDirectory(deps, actor, directoryId);
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw invalidInput('The directory needs a name.', 'name');
  return trimmed;
}

/** JIT starts off unless asked for: access is given out automatically only once an admin says so. */
export async function createDirectory(
  deps: AdminDeps,
  actor: Actor,
  orgId: string,
  input: { name: string; jitEnabled?: boolean },
  meta?: CallMeta,
): Promise<Directory> {
  await visibleOrganization(deps, actor, orgId);
  const name = checkName(input.name);
  const directory = await deps.store.createDirectory({ orgId, name, jitEnabled: input.jitEnabled ?? false });
  await recordAdminChange(
    deps,
    actor,
    { action: 'directory.created', orgId, directoryId: directory.id, detail: { name, jitEnabled: directory.jitEnabled } },
    meta,
  );
  return directory;
}

export async function updateDirectory(
  deps: AdminDeps,
  actor: Actor,
  directoryId: string,
  patch: { name?: string; jitEnabled?: boolean },
  meta?: CallMeta,
): Promise<Directory> {
  const before = await visibleDirectory(deps, actor, directoryId);
  const name = patch.name === undefined ? undefined : checkName(patch.name);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (name !== undefined && name !== before.name) changes.name = { from: before.name, to: name };
  if (patch.jitEnabled !== undefined && patch.jitEnabled !== before.jitEnabled) {
    changes.jitEnabled = { from: before.jitEnabled, to: patch.jitEnabled };
  }
  if (Object.keys(changes).length === 0) return before;
  const after = await deps.store.updateDirectory(directoryId, {
    ...(name !== undefined && { name }),
    ...(patch.jitEnabled !== undefined && { jitEnabled: patch.jitEnabled }),
  });
  if (after === null) throw notFound('directory', directoryId);
  await recordAdminChange(deps, actor, { action: 'directory.updated', orgId: after.orgId, directoryId, detail: changes }, meta);
  return after;
}

/**
 * What an actor may see. An organization admin sees only its own organization; anything else
 * answers `not_found` exactly as a missing id does, so ids of other organizations cannot be probed.
 * A later kind of actor (console session, per-org token) only has to be an `Actor` to fit here.
 */
import type { Connection, Directory, Domain, Organization, User } from '../../store/model';
import type { Actor } from '../auth';
import type { AdminDeps } from './deps';
import { AdminError, notFound } from './errors';

export function canSeeOrg(actor: Actor, orgId: string | null): boolean {
  return actor.kind === 'operator' || (orgId !== null && actor.orgId === orgId);
}

/** The organization filter for list queries: undefined means every organization. */
export function orgScope(actor: Actor): string | undefined {
  return actor.kind === 'operator' ? undefined : actor.orgId;
}

/** For actions reserved to the operator on things the actor can otherwise see. */
export function requireOperator(actor: Actor, action: string): void {
  if (actor.kind !== 'operator') {
    throw new AdminError('forbidden', `Only the LaunchGate operator may ${action}.`);
  }
}

export async function visibleOrganization(deps: AdminDeps, actor: Actor, id: string): Promise<Organization> {
  const org = canSeeOrg(actor, id) ? await deps.store.getOrganization(id) : null;
  if (org === null) throw notFound('organization', id);
  return org;
}

export async function visibleDirectory(deps: AdminDeps, actor: Actor, id: string): Promise<Directory> {
  const directory = await deps.store.getDirectory(id);
  if (directory === null || !canSeeOrg(actor, directory.orgId)) throw notFound('directory', id);
  return directory;
}

export async function visibleDomain(deps: AdminDeps, actor: Actor, id: string): Promise<Domain> {
  const domain = await deps.store.getDomain(id);
  if (domain === null || !canSeeOrg(actor, domain.orgId)) throw notFound('domain', id);
  return domain;
}

export async function visibleUser(deps: AdminDeps, actor: Actor, id: string): Promise<User> {
  const user = await deps.store.getUser(id);
  if (user === null || !canSeeOrg(actor, user.orgId)) throw notFound('user', id);
  return user;
}

/**
 * A pending connection belongs to no organization yet, and anyone can create one (dynamic
 * registration is open to the internet), so it is the operator's alone: an organization admin
 * reaches one only by presenting its claim code (see linkConnection), never by browsing.
 */
export function canSeeConnection(actor: Actor, connection: Connection): boolean {
  return canSeeOrg(actor, connection.orgId);
}

export async function visibleConnection(deps: AdminDeps, actor: Actor, id: string): Promise<Connection> {
  const connection = await deps.store.getConnection(id);
  if (connection === null || !canSeeConnection(actor, connection)) throw notFound('connection', id);
  return connection;
}

/** A connection the actor may change: its own organization's, or any for the operator. */
export async function changeableConnection(deps: AdminDeps, actor: Actor, id: string): Promise<Connection> {
  return visibleConnection(deps, actor, id);
}

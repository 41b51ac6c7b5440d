/** Users of a directory, their licenses, and blocking. */
import { normalizeEmail } from '../../identity/launch-identity';
import type { ExternalIdentity, License, User, UserStatus } from '../../store/model';
import type { Page, Paging } from '../../store/port';
import type { Actor } from '../auth';
import { recordAdminChange } from './audit';
import type { AdminDeps, CallMeta } from './deps';
import { AdminError, invalidInput, notFound } from './errors';
import { visibleDirectory, visibleOrganization, visibleUser } from './scope';

export interface UserQuery {
  search?: string;
  status?: UserStatus;
}

export interface UserDetail extends User {
  externalIdentities: ExternalIdentity[];
  licenses: License[];
}

function searchFilter(query: UserQuery): UserQuery {
  const search = query.search?.trim();
  return { ...(search && { search }), ...(query.status && { status: query.status }) };
}

export async function listDirectoryUsers(deps: AdminDeps, actor: Actor, directoryId: string, query: UserQuery, paging: Paging): Promise<Page<User>> {
  await visibleDirectory(deps, actor, directoryId);
  return deps.store.listUsers({ ...searchFilter(query), directoryId }, paging);
}

export async function listOrganizationUsers(deps: AdminDeps, actor: Actor, orgId: string, query: UserQuery, paging: Paging): Promise<Page<User>> {
  await visibleOrganization(deps, actor, orgId);
  return deps.store.listUsers({ ...searchFilter(query), orgId }, paging);
}

export async function getUser(deps: AdminDeps, actor: Actor, userId: string): Promise<UserDetail> {
  const user = await visibleUser(deps, actor, userId);
  const [externalIdentities, licenses] = await Promise.all([deps.store.listExternalIdentities(userId), deps.store.listLicenses({ userId })]);
  return { ...user, externalIdentities, licenses };
}

/** Blocking refuses the user's launches (`user_blocked`) but keeps their licenses. */
export async function setUserStatus(deps: AdminDeps, actor: Actor, userId: string, status: UserStatus, meta?: CallMeta): Promise<User> {
  const before = await visibleUser(deps, actor, userId);
  if (before.status === status) return before;
  const after = await deps.store.setUserStatus(userId, status);
  if (after === null) throw notFound('user', userId);
  await recordAdminChange(
    deps,
    actor,
    {
      action: status === 'blocked' ? 'user.blocked' : 'user.unblocked',
      orgId: after.orgId,
      directoryId: after.directoryId,
      userId,
      email: after.email,
    },
    meta,
  );
  return after;
}

export interface AssignLicenseRequest {
  email: string;
  productId: string;
  givenName?: string;
  familyName?: string;
}

export interface AssignLicenseResponse {
  user: User;
  license: License;
  userCreated: boolean;
  licenseCreated: boolean;
}

function optionalName(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function seatsRefusal(outcome: 'no_entitlement' | 'no_seats', productId: string): AdminError {
  return outcome === 'no_entitlement'
    ? new AdminError('no_entitlement', `The organization has no entitlement for the product "${productId}".`, 'productId')
    : new AdminError('no_seats', `Every seat for the product "${productId}" is taken; add seats or revoke a license first.`, 'productId');
}

/**
 * Gives the person with this email a license, creating them in the directory when absent. The
 * entitlement is checked before a user is created so a refused assignment leaves nothing behind
 * in the usual case; the store's atomic assignment is what actually enforces the seats.
 */
export async function assignLicense(
  deps: AdminDeps,
  actor: Actor,
  directoryId: string,
  request: AssignLicenseRequest,
  meta?: CallMeta,
): Promise<AssignLicenseResponse> {
  const directory = await visibleDirectory(deps, actor, directoryId);
  const email = normalizeEmail(request.email);
  if (email === undefined) throw invalidInput(`"${request.email}" is not an email address.`, 'email');
  const { productId } = request;
  if (!deps.products.get(productId)) throw invalidInput(`No product with id "${productId}" is configured.`, 'productId');

  let user = await deps.store.findUserByEmail(directoryId, email);
  if (user === null) {
    const entitlement = await deps.store.getEntitlement(directory.orgId, productId);
    if (entitlement === null) throw seatsRefusal('no_entitlement', productId);
    if (entitlement.seats !== null && (await deps.store.countLicenses(directory.orgId, productId)) >= entitlement.seats) {
      throw seatsRefusal('no_seats', productId);
    }
  }

  let userCreated = false;
  if (user === null) {
    const givenName = optionalName(request.givenName);
    const familyName = optionalName(request.familyName);
    const displayName = [givenName, familyName].filter((n) => n !== null).join(' ') || null;
    const result = await deps.store.createUser({
      orgId: directory.orgId,
      directoryId,
      email,
      givenName,
      familyName,
      displayName,
      roles: [],
      rawRoles: [],
      createdBy: 'admin',
      lastLaunchAt: null,
    });
    user = result.user;
    userCreated = result.created;
  }

  const result = await deps.store.assignLicense({ userId: user.id, orgId: directory.orgId, directoryId, productId, source: 'admin' });
  if (result.outcome === 'no_entitlement' || result.outcome === 'no_seats') throw seatsRefusal(result.outcome, productId);
  const licenseCreated = result.outcome === 'assigned';
  if (licenseCreated) {
    await recordAdminChange(
      deps,
      actor,
      { action: 'license.assigned', orgId: directory.orgId, directoryId, userId: user.id, email, productId, detail: { userCreated } },
      meta,
    );
  }
  return { user, license: result.license, userCreated, licenseCreated };
}

export async function revokeLicense(deps: AdminDeps, actor: Actor, userId: string, productId: string, meta?: CallMeta): Promise<void> {
  const user = await visibleUser(deps, actor, userId);
  if (!(await deps.store.revokeLicense(userId, productId))) {
    throw new AdminError('not_found', `The user holds no license for the product "${productId}".`);
  }
  await recordAdminChange(
    deps,
    actor,
    { action: 'license.revoked', orgId: user.orgId, directoryId: user.directoryId, userId, email: user.email, productId },
    meta,
  );
}

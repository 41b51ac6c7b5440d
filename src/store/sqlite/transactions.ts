/**
 * The store's multi-step writes, each one SQLite transaction run IMMEDIATE: the write lock is taken
 * before the first read, so the checks and the write are one step for every connection to the
 * file, in this process or another. Concurrent launches cannot both see "one seat left".
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { describeTenant, tenantKeyString } from '../../identity/launch-identity';
import { StoreConflictError } from '../errors';
import type { Connection, ConnectionStatus, Domain, DomainVerifiedBy, ExternalIdentity, User } from '../model';
import type {
  AssignLicenseInput,
  AssignLicenseResult,
  ConnectionPatch,
  CreateUserResult,
  DomainVerification,
  LinkIdentityResult,
  NewConnection,
  NewExternalIdentity,
  NewUser,
  UserProfile,
} from '../port';
import {
  bool,
  mapOrNull,
  connectionTenants,
  ms,
  msOrNull,
  toConnection,
  toDomain,
  toExternalIdentity,
  toLicense,
  toUser,
  type ConnectionRow,
  type UserRow,
} from './rows';
import type { Statements } from './statements';

export interface Transactions {
  createConnection(input: NewConnection): Connection;
  updateConnection(id: string, patch: ConnectionPatch, onlyIf?: { status: ConnectionStatus }): Connection | null;
  createUser(input: NewUser, identity?: NewExternalIdentity): CreateUserResult;
  linkIdentity(userId: string, identity: NewExternalIdentity): LinkIdentityResult;
  updateUserProfile(id: string, profile: Partial<UserProfile>, lastLaunchAt?: Date): User | null;
  assignLicense(input: AssignLicenseInput): AssignLicenseResult;
  getOrSetSetting(name: string, value: string): string;
  claimDomain(input: { orgId: string; directoryId: string; name: string; verificationToken: string }): Domain;
  verifyDomain(id: string, by: DomainVerifiedBy, at: number): DomainVerification | null;
}

export function prepareTransactions(db: Database.Database, s: Statements, nowMs: () => number): Transactions {
  const claimKeys = (connectionId: string, row: Pick<ConnectionRow, 'settings'>): void => {
    const tenants = connectionTenants(JSON.parse(row.settings) as Connection['settings']);
    for (const tenant of tenants) {
      const key = tenantKeyString(tenant);
      const owner = s.keyOwner.get(key);
      if (owner !== undefined && owner !== connectionId) {
        throw new StoreConflictError('tenant_taken', `${describeTenant(tenant)} already belongs to another connection.`);
      }
    }
    s.deleteKeys.run(connectionId);
    for (const tenant of tenants) s.insertKey.run(tenantKeyString(tenant), connectionId);
  };

  const connectionRow = (
    id: string,
    c: Omit<Connection, 'id' | 'partner' | 'createdAt' | 'updatedAt'>,
    createdAt: number,
    updatedAt: number,
  ): ConnectionRow => ({
    id,
    partner: c.settings.partner,
    status: c.status,
    org_id: c.orgId,
    directory_id: c.directoryId,
    settings: JSON.stringify(c.settings),
    enabled: bool(c.enabled),
    trust_email: bool(c.trustEmail),
    label: c.label,
    canvas_issuer: c.settings.partner === 'canvas' ? c.settings.issuer : null,
    canvas_client_id: c.settings.partner === 'canvas' ? c.settings.clientId : null,
    created_at: createdAt,
    updated_at: updatedAt,
  });

  const createConnection = db.transaction((input: NewConnection): Connection => {
    const now = nowMs();
    const row = connectionRow(randomUUID(), input, now, now);
    // Keys reference the connection, so the row goes in first; a refused key rolls it back.
    const inserted = s.insertConnection.get(row)!;
    claimKeys(row.id, row);
    return toConnection(inserted);
  });

  const updateConnection = db.transaction((id: string, patch: ConnectionPatch, onlyIf?: { status: ConnectionStatus }): Connection | null => {
    const current = mapOrNull(s.getConnection.get(id), toConnection);
    if (!current) return null;
    if (onlyIf && current.status !== onlyIf.status) return null;
    const merged = { ...current, ...definedOnly(patch) };
    const row = connectionRow(id, merged, ms(current.createdAt), nowMs());
    claimKeys(id, row);
    return toConnection(s.updateConnection.get(row)!);
  });

  const insertIdentity = (userId: string, identity: NewExternalIdentity, now: number): ExternalIdentity =>
    toExternalIdentity(
      s.insertIdentity.get({
        id: randomUUID(),
        user_id: userId,
        connection_id: identity.connectionId,
        partner: identity.partner,
        subject: identity.subject,
        created_at: now,
      })!,
    );

  const createUser = db.transaction((input: NewUser, identity?: NewExternalIdentity): CreateUserResult => {
    const email = input.email == null ? null : input.email.toLowerCase();
    const existing =
      (identity && s.findUserByIdentity.get(identity.connectionId, identity.subject)) ||
      (email != null ? s.findUserByEmail.get(input.directoryId, email) : undefined);
    if (existing) return { created: false, user: toUser(existing) };
    const now = nowMs();
    const row = s.insertUser.get({
      id: randomUUID(),
      org_id: input.orgId,
      directory_id: input.directoryId,
      email,
      given_name: input.givenName,
      family_name: input.familyName,
      display_name: input.displayName,
      roles: JSON.stringify(input.roles),
      raw_roles: JSON.stringify(input.rawRoles),
      status: 'active',
      created_by: input.createdBy,
      last_launch_at: msOrNull(input.lastLaunchAt),
      created_at: now,
      updated_at: now,
    })!;
    if (identity) insertIdentity(row.id, identity, now);
    return { created: true, user: toUser(row) };
  });

  const linkIdentity = db.transaction((userId: string, identity: NewExternalIdentity): LinkIdentityResult => {
    const owner = s.identityOwner.get(identity.connectionId, identity.subject);
    if (owner !== undefined) return { linked: false, userId: owner };
    return { linked: true, identity: insertIdentity(userId, identity, nowMs()) };
  });

  const updateUserProfile = db.transaction(
    (id: string, profile: Partial<UserProfile>, lastLaunchAt?: Date): User | null => {
      const current = s.getUser.get(id);
      if (!current) return null;
      const next: UserRow = {
        ...current,
        updated_at: nowMs(),
        last_launch_at: lastLaunchAt ? ms(lastLaunchAt) : current.last_launch_at,
      };
      if (profile.email !== undefined) next.email = profile.email == null ? null : profile.email.toLowerCase();
      if (profile.givenName !== undefined) next.given_name = profile.givenName;
      if (profile.familyName !== undefined) next.family_name = profile.familyName;
      if (profile.displayName !== undefined) next.display_name = profile.displayName;
      if (profile.roles !== undefined) next.roles = JSON.stringify(profile.roles);
      if (profile.rawRoles !== undefined) next.raw_roles = JSON.stringify(profile.rawRoles);
      return toUser(s.updateUser.get(next)!);
    },
  );

  const assignLicense = db.transaction((input: AssignLicenseInput): AssignLicenseResult => {
    // A license the user already holds stands even if the entitlement was since removed.
    const existing = s.getLicense.get(input.userId, input.productId);
    if (existing) return { outcome: 'exists', license: toLicense(existing) };
    const entitlement = s.getEntitlement.get(input.orgId, input.productId);
    if (!entitlement) return { outcome: 'no_entitlement' };
    if (entitlement.seats !== null && (s.countLicenses.get(input.orgId, input.productId) ?? 0) >= entitlement.seats) {
      return { outcome: 'no_seats' };
    }
    const row = s.insertLicense.get({
      id: randomUUID(),
      user_id: input.userId,
      org_id: input.orgId,
      directory_id: input.directoryId,
      product_id: input.productId,
      source: input.source,
      created_at: nowMs(),
    })!;
    return { outcome: 'assigned', license: toLicense(row) };
  });

  const getOrSetSetting = db.transaction((name: string, value: string): string => {
    s.insertSettingIfAbsent.run(name, value);
    return s.getSetting.get(name)!;
  });

  const claimDomain = db.transaction((input: { orgId: string; directoryId: string; name: string; verificationToken: string }): Domain => {
    const name = input.name.toLowerCase();
    // Pending claims of a name coexist; a verified one is the name's owner, and a new claim of it
    // would be a squat that can never be verified.
    if (s.findVerifiedDomain.get(name) !== undefined) {
      throw new StoreConflictError('domain_taken', 'That domain is already verified by a directory.');
    }
    return toDomain(
      s.insertDomain.get({
        id: randomUUID(),
        org_id: input.orgId,
        directory_id: input.directoryId,
        name,
        status: 'pending',
        verification_token: input.verificationToken,
        verified_at: null,
        verified_by: null,
        created_at: nowMs(),
      })!,
    );
  });

  const verifyDomain = db.transaction((id: string, by: DomainVerifiedBy, at: number): DomainVerification | null => {
    // A second verified claim of the name fails on the partial unique index (domain_taken) and
    // rolls the whole transaction back.
    const verified = s.markDomainVerified.get({ id, by, at });
    if (!verified) return null;
    const removed = s.deleteOtherPendingDomains.all({ id, name: verified.name }).map(toDomain);
    return { domain: toDomain(verified), removed };
  });

  return {
    claimDomain: (input) => claimDomain.immediate(input),
    verifyDomain: (id, by, at) => verifyDomain.immediate(id, by, at),
    createConnection: (input) => createConnection.immediate(input),
    updateConnection: (id, patch, onlyIf) => updateConnection.immediate(id, patch, onlyIf),
    createUser: (input, identity) => createUser.immediate(input, identity),
    linkIdentity: (userId, identity) => linkIdentity.immediate(userId, identity),
    updateUserProfile: (id, profile, lastLaunchAt) => updateUserProfile.immediate(id, profile, lastLaunchAt),
    assignLicense: (input) => assignLicense.immediate(input),
    getOrSetSetting: (name, value) => getOrSetSetting.immediate(name, value),
  };
}

/** Drops keys whose value is undefined, so a patch only overrides what it names. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

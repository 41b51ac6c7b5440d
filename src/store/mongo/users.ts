/**
 * Users and their external identities. An identity is embedded in its user and indexed uniquely
 * by `identities.key`, so "create this person with this identity" is one insert: two launches of
 * the same new person race on the unique indexes, exactly one insert succeeds, and the other reads
 * the winner back.
 */
import { randomUUID } from 'node:crypto';
import { trusted, Types } from 'mongoose';
import type { ExternalIdentity, User, UserStatus } from '../model';
import type {
  CreateUserResult,
  LinkIdentityResult,
  NewExternalIdentity,
  NewUser,
  Page,
  Paging,
  UserFilter,
  UserProfile,
} from '../port';
import { duplicateIndex, isDuplicateKey, isDuplicateOn } from './errors';
import { CREATION_ORDER, identityKey, pageWindow, stringEquals, text, userFilter, validDate } from './filters';
import { toExternalIdentity, toUser } from './mapping';
import { UNIQUE_INDEX, type IdentityDoc, type Models, type UserDoc } from './schemas';

const textOrNull = (value: string | null): string | null => (value === null ? null : text(value));
/** Emails are kept lower-cased (model.ts), and looked up the same way, as in the SQLite store. */
const emailOrNull = (value: string | null): string | null => (value === null ? null : text(value).toLowerCase());

function identityDoc(identity: NewExternalIdentity, at: Date): IdentityDoc {
  return {
    id: randomUUID(),
    connectionId: text(identity.connectionId),
    partner: identity.partner,
    subject: text(identity.subject),
    key: identityKey(identity.connectionId, identity.subject),
    createdAt: at,
  };
}

async function findByKey(m: Models, key: string): Promise<UserDoc | null> {
  return m.users.findOne({ 'identities.key': stringEquals(key) }).lean<UserDoc>();
}

async function findByEmail(m: Models, directoryId: string, email: string): Promise<UserDoc | null> {
  const address = text(email).toLowerCase();
  return m.users.findOne({ directoryId: text(directoryId), email: stringEquals(address) }).lean<UserDoc>();
}

export async function findUserByExternalIdentity(m: Models, connectionId: string, subject: string): Promise<User | null> {
  const doc = await findByKey(m, identityKey(connectionId, subject));
  return doc && toUser(doc);
}

export async function findUserByEmail(m: Models, directoryId: string, email: string): Promise<User | null> {
  const doc = await findByEmail(m, directoryId, email);
  return doc && toUser(doc);
}

export async function createUser(
  m: Models,
  at: Date,
  input: NewUser,
  identity?: NewExternalIdentity,
): Promise<CreateUserResult> {
  const doc: UserDoc = {
    _id: randomUUID(),
    seq: new Types.ObjectId(),
    orgId: text(input.orgId),
    directoryId: text(input.directoryId),
    email: emailOrNull(input.email),
    givenName: textOrNull(input.givenName),
    familyName: textOrNull(input.familyName),
    displayName: textOrNull(input.displayName),
    roles: [...input.roles],
    rawRoles: input.rawRoles.map(text),
    status: 'active',
    createdBy: input.createdBy,
    lastLaunchAt: input.lastLaunchAt === null ? null : validDate(input.lastLaunchAt, 'lastLaunchAt'),
    identities: identity ? [identityDoc(identity, at)] : [],
    createdAt: at,
    updatedAt: at,
  };
  try {
    await m.users.create(doc);
    return { created: true, user: toUser(doc) };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Someone else created this person first: nothing of ours was written; return theirs. Look
    // first where the server says the duplicate was, then at the other unique key.
    const byIdentity = async (): Promise<UserDoc | null> =>
      identity ? findByKey(m, identityKey(identity.connectionId, identity.subject)) : null;
    const byEmail = async (): Promise<UserDoc | null> =>
      doc.email === null ? null : findByEmail(m, doc.directoryId, doc.email);
    const emailFirst = duplicateIndex(err) === UNIQUE_INDEX.userEmail;
    const existing = emailFirst
      ? ((await byEmail()) ?? (await byIdentity()))
      : ((await byIdentity()) ?? (await byEmail()));
    if (existing) return { created: false, user: toUser(existing) };
    throw err;
  }
}

/** Linking an identity to a user id that does not exist: a programming error, not a conflict. */
export class UnknownUserError extends Error {
  override readonly name = 'UnknownUserError';
  readonly code = 'unknown_user';
  constructor(readonly userId: string) {
    super(`There is no user ${userId} to link the identity to.`);
  }
}

export async function linkExternalIdentity(
  m: Models,
  at: Date,
  userId: string,
  identity: NewExternalIdentity,
): Promise<LinkIdentityResult> {
  const entry = identityDoc(identity, at);
  try {
    // `$ne` keeps a user from holding the same key twice (a unique index does not look inside one
    // document); the unique index keeps two users from holding it.
    const result = await m.users.updateOne(
      { _id: text(userId), 'identities.key': trusted({ $ne: entry.key }) },
      { $push: { identities: entry } },
    );
    if (result.matchedCount === 1) return { linked: true, identity: toExternalIdentity(text(userId), entry) };
  } catch (err) {
    if (!isDuplicateOn(err, UNIQUE_INDEX.identityKey)) throw err;
  }
  // Not linked: the key already belongs to someone (this user, or another user who won a race).
  const owner = await findByKey(m, entry.key);
  if (owner) return { linked: false, userId: owner._id };
  throw new UnknownUserError(text(userId));
}

export async function listExternalIdentities(m: Models, userId: string): Promise<ExternalIdentity[]> {
  const id = text(userId);
  const doc = await m.users.findById(id, { identities: 1 }).lean<Pick<UserDoc, '_id' | 'identities'>>();
  // Pushed in link order, so the array is already oldest first.
  return (doc?.identities ?? []).map((i) => toExternalIdentity(id, i));
}

export async function listUsers(m: Models, filter: UserFilter, paging: Paging): Promise<Page<User>> {
  const query = userFilter(filter);
  const { skip, limit } = pageWindow(paging);
  const [docs, total] = await Promise.all([
    limit === 0
      ? Promise.resolve([])
      : m.users.find(query).sort(CREATION_ORDER).skip(skip).limit(limit).lean<UserDoc[]>(),
    m.users.countDocuments(query),
  ]);
  return { items: docs.map(toUser), total };
}

export async function updateUserProfile(
  m: Models,
  at: Date,
  id: string,
  profile: Partial<UserProfile>,
  lastLaunchAt?: Date,
): Promise<User | null> {
  const set: Partial<UserDoc> = { updatedAt: at };
  if (profile.email !== undefined) set.email = emailOrNull(profile.email);
  if (profile.givenName !== undefined) set.givenName = textOrNull(profile.givenName);
  if (profile.familyName !== undefined) set.familyName = textOrNull(profile.familyName);
  if (profile.displayName !== undefined) set.displayName = textOrNull(profile.displayName);
  if (profile.roles !== undefined) set.roles = [...profile.roles];
  if (profile.rawRoles !== undefined) set.rawRoles = profile.rawRoles.map(text);
  if (lastLaunchAt !== undefined) set.lastLaunchAt = validDate(lastLaunchAt, 'lastLaunchAt');
  // A changed email that another user of the directory has fails on the unique index; the
  // store's error translation reports it as StoreConflictError('email_taken').
  const doc = await m.users.findOneAndUpdate({ _id: text(id) }, { $set: set }, { new: true }).lean<UserDoc>();
  return doc && toUser(doc);
}

export async function setUserStatus(m: Models, at: Date, id: string, status: UserStatus): Promise<User | null> {
  const doc = await m.users
    .findOneAndUpdate({ _id: text(id) }, { $set: { status, updatedAt: at } }, { new: true })
    .lean<UserDoc>();
  return doc && toUser(doc);
}

/** Deleting a connection unlinks its identities (the users stay), as in the SQLite store. */
export async function unlinkConnection(m: Models, connectionId: string): Promise<void> {
  const id = text(connectionId);
  await m.users.updateMany({ 'identities.connectionId': id }, { $pull: { identities: { connectionId: id } } });
}

/**
 * Domain claims. Pending claims of one name coexist (one per directory, unique index
 * (directoryId, name)); a verified claim is exclusive, under a unique index on name that is
 * partial to `status: 'verified'`. So no claim blocks another district's while pending, and no
 * sequence of updates, concurrent or not, leaves two verified claims of one name.
 *
 * Without multi-document transactions the steps are ordered so that every interleaving ends
 * right:
 *   claimDomain   refuses a name already verified, inserts, then looks again: a verification
 *                 that slipped in between (and whose clean-up may have missed the new claim)
 *                 makes the claimant remove its own claim and report domain_taken.
 *   markDomainVerified  one conditional update; E11000 on the partial index means another claim
 *                 is verified (domain_taken, nothing changed). Then the other pending claims of
 *                 the name are deleted. A claim inserted after that delete sees the verified one
 *                 on its own second look, above.
 */
import { randomUUID } from 'node:crypto';
import { trusted } from 'mongoose';
import { StoreConflictError } from '../errors';
import type { Domain, DomainVerifiedBy } from '../model';
import type { DomainVerification } from '../port';
import { text, validDate } from './filters';
import { toDomain } from './mapping';
import type { DomainDoc, Models } from './schemas';

export interface NewDomainClaim {
  orgId: string;
  directoryId: string;
  name: string;
  verificationToken: string;
}

const TAKEN = 'That domain is already verified by a directory.';

async function verifiedClaim(m: Models, name: string): Promise<DomainDoc | null> {
  return m.domains.findOne({ name, status: 'verified' }).lean<DomainDoc>();
}

export async function claimDomain(m: Models, at: Date, input: NewDomainClaim): Promise<Domain> {
  const name = text(input.name).toLowerCase();
  if ((await verifiedClaim(m, name)) !== null) throw new StoreConflictError('domain_taken', TAKEN);
  const doc: DomainDoc = {
    _id: randomUUID(),
    orgId: text(input.orgId),
    directoryId: text(input.directoryId),
    name,
    status: 'pending',
    verificationToken: text(input.verificationToken),
    verifiedAt: null,
    verifiedBy: null,
    createdAt: at,
  };
  // A second claim by the same directory fails on (directoryId, name): domain_taken.
  await m.domains.create(doc);
  const winner = await verifiedClaim(m, name);
  if (winner !== null) {
    await m.domains.deleteOne({ _id: doc._id, status: 'pending' });
    throw new StoreConflictError('domain_taken', TAKEN);
  }
  return toDomain(doc);
}

/** The verified claim first (`'verified' > 'pending'`), else the oldest pending one. */
export async function findDomainByName(m: Models, name: string): Promise<Domain | null> {
  const doc = await m.domains
    .findOne({ name: text(name).toLowerCase() })
    .sort({ status: -1, createdAt: 1, _id: 1 })
    .lean<DomainDoc>();
  return doc && toDomain(doc);
}

export async function markDomainVerified(m: Models, id: string, by: DomainVerifiedBy, at: Date): Promise<DomainVerification | null> {
  const doc = await m.domains
    .findOneAndUpdate({ _id: text(id) }, { $set: { status: 'verified', verifiedAt: validDate(at, 'at'), verifiedBy: by } }, { new: true })
    .lean<DomainDoc>();
  if (doc === null) return null;
  const others = await m.domains
    .find({ name: doc.name, status: 'pending', _id: trusted({ $ne: doc._id }) })
    .lean<DomainDoc[]>();
  if (others.length > 0) {
    await m.domains.deleteMany({ _id: trusted({ $in: others.map((o) => o._id) }), status: 'pending' });
  }
  return { domain: toDomain(doc), removed: others.map(toDomain) };
}

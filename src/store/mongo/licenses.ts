/**
 * Entitlements and licenses: seats are counted without a read-then-write race.
 *
 * Why a counter: "count the licenses, insert if below seats" is two operations, and two launches
 * can both count 9 of 10 and both insert (11 licenses). Without a replica-set transaction MongoDB
 * changes one document atomically, so the entitlement carries `used` and a launch reserves a seat
 * with ONE conditional update of it before inserting the license:
 *   active, (seats null or used < seats), this user holds no reservation
 *     → used + 1, and { userId, at } pushed onto `reserving`
 * Invariant: used = licenses of (orgId, productId) + entries in `reserving`. Each reservation is
 * settled once, by an update conditional on its own entry: the license went in (the entry goes,
 * its seat stays counted) or it did not (the entry goes with its seat). A revoked license gives
 * back one seat; findOneAndDelete hands a license to one caller only.
 *
 * Why a reservation names its user: two launches of the same person (a double click, two tabs)
 * must not both hold a seat, or with one seat left the second is refused (no_seats) while the
 * first licenses that very person. The second sees the first's reservation instead, waits for it
 * to settle, and finds the license (exists).
 *
 * Failures: an entry left by a process that died while holding it is reclaimed, with its seat
 * unless its license went in, by the next launch short of a seat once it is older than
 * RESERVATION_TTL_MS (process clocks must agree within that). A process that dies between
 * deleting a license and giving its seat back leaves `used` one too high: it can refuse a seat,
 * never grant one too many. `countLicenses` counts documents, the truth.
 *
 * Deleting an entitlement only marks it inactive: licenses outlive it (as in the SQLite store),
 * so `used` must survive until the entitlement is set again, or a re-created entitlement would
 * start from 0 and hand out seats that are taken.
 */
import { randomUUID } from 'node:crypto';
import { trusted, Types } from 'mongoose';
import type { Entitlement } from '../model';
import type { AssignLicenseInput, AssignLicenseResult } from '../port';
import { StoreUnavailableError } from '../errors';
import { isDuplicateOn, upsertOnce } from './errors';
import { text } from './filters';
import { toEntitlement, toLicense } from './mapping';
import { UNIQUE_INDEX, type EntitlementDoc, type LicenseDoc, type Models, type SeatReservation } from './schemas';

function validSeats(seats: number | null): number | null {
  if (seats === null) return null;
  if (typeof seats !== 'number' || !Number.isInteger(seats) || seats < 0) {
    throw new RangeError(`seats must be a whole number of 0 or more, or null for unlimited (got ${String(seats)})`);
  }
  return seats;
}

export async function setEntitlement(
  m: Models,
  at: Date,
  orgId: string,
  productId: string,
  seats: number | null,
): Promise<Entitlement> {
  const key = { orgId: text(orgId), productId: text(productId) };
  const value = validSeats(seats);
  // Changing the seats of a live entitlement leaves `used` and `createdAt` alone.
  const live = await m.entitlements
    .findOneAndUpdate({ ...key, active: true }, { $set: { seats: value, updatedAt: at } }, { new: true })
    .lean<EntitlementDoc>();
  if (live) return toEntitlement(live);
  // None live: revive a deleted one (its `used` still counts the licenses that outlived it) or
  // create one.
  const doc = await upsertOnce(() =>
    m.entitlements
      .findOneAndUpdate(
        key,
        {
          $set: { seats: value, active: true, createdAt: at, updatedAt: at },
          $setOnInsert: { _id: randomUUID(), used: 0, reserving: [] },
        },
        { upsert: true, new: true, setDefaultsOnInsert: false },
      )
      .lean<EntitlementDoc>(),
  );
  if (!doc) throw new Error('MongoDB returned no document for an upsert');
  return toEntitlement(doc);
}

export async function deleteEntitlement(m: Models, at: Date, orgId: string, productId: string): Promise<boolean> {
  const result = await m.entitlements.updateOne(
    { orgId: text(orgId), productId: text(productId), active: true },
    { $set: { active: false, updatedAt: at } },
  );
  return result.matchedCount === 1;
}

const RESERVATION_TTL_MS = 60_000;
/** Rounds a launch waits for a reservation of the same user; the pauses add up to about 1.5 s. */
const WAIT_ROUNDS = 12;
const pause = (round: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** round, 200)));

interface EntitlementKey {
  orgId: string;
  productId: string;
}

async function reserveSeat(m: Models, key: EntitlementKey, reservation: SeatReservation): Promise<boolean> {
  const result = await m.entitlements.updateOne(
    {
      ...key,
      active: true,
      'reserving.userId': trusted({ $ne: reservation.userId }),
      $or: [{ seats: null }, { $expr: trusted({ $lt: ['$used', '$seats'] }) }],
    },
    { $inc: { used: 1 }, $push: { reserving: reservation } },
  );
  return result.matchedCount === 1;
}

function holding(reservation: SeatReservation): { $elemMatch: SeatReservation } {
  return trusted({ $elemMatch: { userId: reservation.userId, at: reservation.at } });
}

/** Ends a reservation: its seat now belongs to the license, or is given back. */
async function settle(m: Models, key: EntitlementKey, reservation: SeatReservation, licensed: boolean): Promise<void> {
  const result = await m.entitlements.updateOne(
    { ...key, reserving: holding(reservation) },
    licensed ? { $pull: { reserving: reservation } } : { $pull: { reserving: reservation }, $inc: { used: -1 } },
  );
  // Reclaimed as abandoned meanwhile, seat and all: a license that did go in counts again.
  if (result.matchedCount === 0 && licensed) await m.entitlements.updateOne(key, { $inc: { used: 1 } });
}

/** Removes reservations older than the TTL; returns how many this call removed. */
async function reclaimAbandoned(m: Models, entitlement: EntitlementDoc, now: Date): Promise<number> {
  let reclaimed = 0;
  for (const r of entitlement.reserving ?? []) {
    if (now.getTime() - r.at.getTime() < RESERVATION_TTL_MS) continue;
    const licensed = await m.licenses.exists({ userId: r.userId, orgId: entitlement.orgId, productId: entitlement.productId });
    const result = await m.entitlements.updateOne(
      { _id: entitlement._id, reserving: holding(r) },
      licensed ? { $pull: { reserving: r } } : { $pull: { reserving: r }, $inc: { used: -1 } },
    );
    reclaimed += result.matchedCount;
  }
  return reclaimed;
}

/** Inserts the license for a held reservation; null when a concurrent license came and went. */
async function insertLicense(
  m: Models,
  key: EntitlementKey,
  reservation: SeatReservation,
  input: AssignLicenseInput,
): Promise<AssignLicenseResult | null> {
  const doc: LicenseDoc = {
    _id: randomUUID(),
    seq: new Types.ObjectId(),
    userId: reservation.userId,
    orgId: key.orgId,
    directoryId: text(input.directoryId),
    productId: key.productId,
    source: input.source,
    createdAt: reservation.at,
  };
  try {
    await m.licenses.create(doc);
  } catch (err) {
    await settle(m, key, reservation, false);
    if (!isDuplicateOn(err, UNIQUE_INDEX.license)) throw err;
    // Licensed meanwhile by an assignment that held no reservation of ours (another organization,
    // or one that settled between our first look and our reservation): theirs stands.
    const winner = await m.licenses.findOne({ userId: doc.userId, productId: doc.productId }).lean<LicenseDoc>();
    return winner && { outcome: 'exists', license: toLicense(winner) };
  }
  await settle(m, key, reservation, true);
  return { outcome: 'assigned', license: toLicense(doc) };
}

export async function assignLicense(m: Models, at: Date, input: AssignLicenseInput): Promise<AssignLicenseResult> {
  const key = { orgId: text(input.orgId), productId: text(input.productId) };
  const reservation: SeatReservation = { userId: text(input.userId), at };
  for (let round = 0; round < WAIT_ROUNDS; round++) {
    const existing = await m.licenses.findOne({ userId: reservation.userId, productId: key.productId }).lean<LicenseDoc>();
    if (existing) return { outcome: 'exists', license: toLicense(existing) };

    if (await reserveSeat(m, key, reservation)) {
      const result = await insertLicense(m, key, reservation, input);
      if (result) return result;
      continue;
    }
    const entitlement = await m.entitlements.findOne({ ...key, active: true }).lean<EntitlementDoc>();
    if (!entitlement) return { outcome: 'no_entitlement' };
    if ((await reclaimAbandoned(m, entitlement, at)) > 0) continue;
    if ((entitlement.reserving ?? []).some((r) => r.userId === reservation.userId)) {
      // Another launch of this same person holds a seat for them: its outcome decides ours.
      await pause(round);
      continue;
    }
    if (entitlement.seats !== null && entitlement.used >= entitlement.seats) return { outcome: 'no_seats' };
    // A seat is free now: what refused our reservation (that other launch) has settled. Again.
  }
  throw new StoreUnavailableError('Another launch of the same person is still being licensed; try again in a moment.');
}

export async function revokeLicense(m: Models, userId: string, productId: string): Promise<boolean> {
  const deleted = await m.licenses
    .findOneAndDelete({ userId: text(userId), productId: text(productId) })
    .lean<LicenseDoc>();
  if (!deleted) return false;
  // Never below zero, should the counter ever have been reset by hand.
  await m.entitlements.updateOne(
    { orgId: deleted.orgId, productId: deleted.productId, used: trusted({ $gt: 0 }) },
    { $inc: { used: -1 } },
  );
  return true;
}

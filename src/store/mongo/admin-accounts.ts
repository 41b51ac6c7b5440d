/**
 * Admin accounts in MongoDB: one document each, email lower-cased under a unique index, so two
 * admins created at once with one address give one account and one `email_taken`.
 */
import { randomUUID } from 'node:crypto';
import { Schema, Types, type Model } from 'mongoose';
import type { AdminAccount, AdminRole } from '../model';
import type { AdminAccountPatch, NewAdminAccount } from '../port';
import { CREATION_ORDER, text, validDate } from './filters';

export interface AdminAccountDoc {
  _id: string;
  seq: Types.ObjectId;
  email: string;
  passwordHash: string;
  role: AdminRole;
  orgId: string | null;
  createdAt: Date;
  disabledAt: Date | null;
}

export const ADMIN_EMAIL_INDEX = 'admin_account_email_unique';

export function adminAccountSchema(options: object): Schema<AdminAccountDoc> {
  const str = { type: String };
  const date = { type: Date };
  const schema = new Schema<AdminAccountDoc>(
    { _id: str, seq: { type: Schema.Types.ObjectId }, email: str, passwordHash: str, role: str, orgId: str, createdAt: date, disabledAt: date },
    { ...options, collection: 'admin_accounts' },
  );
  schema.index({ email: 1 }, { unique: true, name: ADMIN_EMAIL_INDEX });
  schema.index({ orgId: 1, createdAt: 1, seq: 1 });
  return schema;
}

function toAdminAccount(d: AdminAccountDoc): AdminAccount {
  return {
    id: d._id,
    email: d.email,
    passwordHash: d.passwordHash,
    role: d.role,
    orgId: d.orgId ?? null,
    createdAt: d.createdAt,
    disabledAt: d.disabledAt ?? null,
  };
}

const normalizeEmail = (email: string): string => text(email).trim().toLowerCase();

export async function createAdminAccount(model: Model<AdminAccountDoc>, now: Date, input: NewAdminAccount): Promise<AdminAccount> {
  const doc: AdminAccountDoc = {
    _id: randomUUID(),
    seq: new Types.ObjectId(),
    email: normalizeEmail(input.email),
    passwordHash: text(input.passwordHash),
    role: input.role,
    orgId: input.orgId === null ? null : text(input.orgId),
    createdAt: now,
    disabledAt: null,
  };
  await model.create(doc);
  return toAdminAccount(doc);
}

export async function getAdminAccount(model: Model<AdminAccountDoc>, id: string): Promise<AdminAccount | null> {
  const doc = await model.findById(text(id)).lean<AdminAccountDoc>();
  return doc && toAdminAccount(doc);
}

export async function findAdminAccountByEmail(model: Model<AdminAccountDoc>, email: string): Promise<AdminAccount | null> {
  const doc = await model.findOne({ email: normalizeEmail(email) }).lean<AdminAccountDoc>();
  return doc && toAdminAccount(doc);
}

export async function listAdminAccounts(model: Model<AdminAccountDoc>, filter: { orgId?: string | null; role?: AdminRole }): Promise<AdminAccount[]> {
  // orgId null selects operators' accounts (no organization); undefined selects every account.
  const query: { orgId?: string | null; role?: string } = {};
  if (filter.orgId !== undefined) query.orgId = filter.orgId === null ? null : text(filter.orgId);
  if (filter.role !== undefined) query.role = text(filter.role);
  const docs = await model.find(query).sort(CREATION_ORDER).lean<AdminAccountDoc[]>();
  return docs.map(toAdminAccount);
}

export async function updateAdminAccount(model: Model<AdminAccountDoc>, id: string, patch: AdminAccountPatch): Promise<AdminAccount | null> {
  const set: { passwordHash?: string; disabledAt?: Date | null } = {};
  if (patch.passwordHash !== undefined) set.passwordHash = text(patch.passwordHash);
  if (patch.disabledAt !== undefined) set.disabledAt = patch.disabledAt === null ? null : validDate(patch.disabledAt, 'disabledAt');
  const doc = await model.findOneAndUpdate({ _id: text(id) }, { $set: set }, { new: true }).lean<AdminAccountDoc>();
  return doc && toAdminAccount(doc);
}

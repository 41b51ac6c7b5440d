/**
 * Admin accounts: who may sign in to the console, and as what. An operator manages every account;
 * an organization admin manages the admins of its own organization (other organizations' accounts
 * answer not_found, as every other record does).
 */
import { normalizeEmail } from '../../identity/launch-identity';
import { StoreConflictError } from '../../store/errors';
import type { AdminAccount, AdminRole } from '../../store/model';
import type { AdminAccountStore } from '../../store/port';
import type { Actor } from '../auth';
import { recordAdminChange, type AdminAction } from '../services/audit';
import type { AdminDeps, CallMeta } from '../services/deps';
import { AdminError, invalidInput, notFound } from '../services/errors';
import { canSeeOrg, requireOperator, visibleOrganization } from '../services/scope';
import { checkPasswordRules, DEFAULT_SCRYPT, hashPassword, PasswordRuleError, type ScryptParams } from './password';

export interface AccountDeps {
  admin: AdminDeps;
  accounts: AdminAccountStore;
  /** Cost of new password hashes; tests pass cheap ones. */
  scrypt?: ScryptParams;
}

/** An account as the console and the CLI show it: never its password hash. */
export type AdminAccountView = Omit<AdminAccount, 'passwordHash'>;

export function accountView(account: AdminAccount): AdminAccountView {
  const { passwordHash: _hash, ...rest } = account;
  return rest;
}

/** The actor an account acts as; null for a disabled account or one that names no organization. */
export function actorForAccount(account: AdminAccount): Actor | null {
  if (account.disabledAt !== null) return null;
  const id = `admin:${account.id}`;
  if (account.role === 'operator') return { kind: 'operator', id };
  if (account.role === 'org_admin' && account.orgId !== null) return { kind: 'org_admin', id, orgId: account.orgId };
  return null;
}

async function hashChecked(deps: AccountDeps, password: string): Promise<string> {
  try {
    checkPasswordRules(password);
  } catch (error) {
    if (error instanceof PasswordRuleError) throw invalidInput(error.message, 'password');
    throw error;
  }
  return hashPassword(password, deps.scrypt ?? DEFAULT_SCRYPT);
}

export interface NewAccountInput {
  email: string;
  password: string;
  role: AdminRole;
  /** Required for `org_admin`, refused for `operator`. */
  orgId?: string | null;
}

export async function createAdminAccount(deps: AccountDeps, actor: Actor, input: NewAccountInput, meta?: CallMeta): Promise<AdminAccountView> {
  const email = normalizeEmail(input.email);
  if (email === undefined) throw invalidInput(`"${input.email}" is not an email address.`, 'email');
  let orgId: string | null = null;
  if (input.role === 'operator') {
    requireOperator(actor, 'create operator accounts');
    if (input.orgId) throw invalidInput('An operator account manages every organization; leave the organization out.', 'orgId');
  } else if (input.role === 'org_admin') {
    if (!input.orgId) throw invalidInput('An organization admin account needs the organization it manages.', 'orgId');
    orgId = (await visibleOrganization(deps.admin, actor, input.orgId)).id;
  } else {
    throw invalidInput('The role must be "operator" or "org_admin".', 'role');
  }
  const passwordHash = await hashChecked(deps, input.password);
  let account: AdminAccount;
  try {
    account = await deps.accounts.createAdminAccount({ email, passwordHash, role: input.role, orgId });
  } catch (error) {
    if (error instanceof StoreConflictError) throw new AdminError('conflict', `An admin account for ${email} already exists.`, 'email');
    throw error;
  }
  await recordAdminChange(deps.admin, actor, { action: 'admin_account.created', orgId, email, detail: { accountId: account.id, role: account.role } }, meta);
  return accountView(account);
}

/** Operators see every account (`orgId` narrows to one organization); an organization admin sees its organization's. */
export async function listAdminAccounts(deps: AccountDeps, actor: Actor, orgId?: string): Promise<AdminAccountView[]> {
  if (orgId !== undefined) await visibleOrganization(deps.admin, actor, orgId);
  else if (actor.kind !== 'operator') orgId = actor.orgId;
  return (await deps.accounts.listAdminAccounts(orgId === undefined ? {} : { orgId })).map(accountView);
}

async function visibleAccount(deps: AccountDeps, actor: Actor, accountId: string): Promise<AdminAccount> {
  const account = await deps.accounts.getAdminAccount(accountId);
  // Operators' accounts belong to no organization: only an operator sees them.
  if (account === null || !canSeeOrg(actor, account.orgId)) throw notFound('admin account', accountId);
  return account;
}

export async function findAdminAccount(deps: AccountDeps, actor: Actor, email: string): Promise<AdminAccountView> {
  const account = await deps.accounts.findAdminAccountByEmail(email);
  if (account === null || !canSeeOrg(actor, account.orgId)) throw new AdminError('not_found', `No admin account for ${email}.`);
  return accountView(account);
}

async function change(
  deps: AccountDeps,
  actor: Actor,
  account: AdminAccount,
  patch: Parameters<AdminAccountStore['updateAdminAccount']>[1],
  action: AdminAction,
  meta?: CallMeta,
): Promise<AdminAccountView> {
  const after = await deps.accounts.updateAdminAccount(account.id, patch);
  if (after === null) throw notFound('admin account', account.id);
  await recordAdminChange(deps.admin, actor, { action, orgId: account.orgId, email: account.email, detail: { accountId: account.id } }, meta);
  return accountView(after);
}

/** A disabled account cannot sign in, and its open sessions end at their next request. */
export async function setAdminAccountDisabled(
  deps: AccountDeps,
  actor: Actor,
  accountId: string,
  disabled: boolean,
  meta?: CallMeta,
): Promise<AdminAccountView> {
  const account = await visibleAccount(deps, actor, accountId);
  if (disabled && actor.id === `admin:${account.id}`) {
    throw new AdminError('forbidden', 'You cannot disable the account you are signed in with.');
  }
  if ((account.disabledAt !== null) === disabled) return accountView(account);
  return change(deps, actor, account, { disabledAt: disabled ? deps.admin.now() : null }, disabled ? 'admin_account.disabled' : 'admin_account.enabled', meta);
}

/** Sets a new password; every open session of the account ends. */
export async function setAdminPassword(deps: AccountDeps, actor: Actor, accountId: string, password: string, meta?: CallMeta): Promise<AdminAccountView> {
  const account = await visibleAccount(deps, actor, accountId);
  const passwordHash = await hashChecked(deps, password);
  return change(deps, actor, account, { passwordHash }, 'admin_account.password_changed', meta);
}

/**
 * Checking an email and password, with throttling per account and per client address. Every
 * failure looks the same to the caller (wrong email, wrong password, disabled account), and an
 * unknown email costs the same scrypt work as a known one, so neither answers nor timing tell
 * which addresses have accounts.
 */
import { normalizeEmail } from '../../identity/launch-identity';
import type { AdminAccount } from '../../store/model';
import type { AdminAccountStore, EphemeralStore } from '../../store/port';
import { DEFAULT_SCRYPT, hashPassword, MAX_PASSWORD_LENGTH, verifyPassword, type ScryptParams } from './password';
import { FailureCounter, type ThrottlePolicy } from './throttle';

export interface SignInPolicy {
  perAccount: ThrottlePolicy;
  perAddress: ThrottlePolicy;
}

export const DEFAULT_SIGN_IN_POLICY: SignInPolicy = {
  perAccount: { maxFailures: 5, windowMs: 15 * 60_000 },
  perAddress: { maxFailures: 20, windowMs: 15 * 60_000 },
};

export type SignInResult = { ok: true; account: AdminAccount } | { ok: false; reason: 'invalid' | 'throttled' };

export interface SignInDeps {
  accounts: AdminAccountStore;
  ephemeral: EphemeralStore;
  now: () => Date;
  policy?: SignInPolicy;
  scrypt?: ScryptParams;
}

export class SignIn {
  private readonly perAccount: FailureCounter;
  private readonly perAddress: FailureCounter;
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly deps: SignInDeps) {
    const policy = deps.policy ?? DEFAULT_SIGN_IN_POLICY;
    this.perAccount = new FailureCounter(deps.ephemeral, 'admin-signin-account', policy.perAccount, deps.now);
    this.perAddress = new FailureCounter(deps.ephemeral, 'admin-signin-address', policy.perAddress, deps.now);
  }

  /** Minutes a locked-out caller should wait, for the message. */
  get lockoutMinutes(): number {
    return Math.ceil(Math.max(this.perAccount.policy.windowMs, this.perAddress.policy.windowMs) / 60_000);
  }

  async attempt(emailInput: string, password: string, address: string): Promise<SignInResult> {
    // Unknown and malformed addresses are counted too, so a lockout says nothing about whether an account exists.
    const accountKey = emailInput.trim().toLowerCase().slice(0, 320);
    // Both slots are taken before the password is checked, so parallel attempts cannot all pass a
    // lock check made before any of them has failed: at most the policy's number are ever checked.
    const accountSlot = await this.perAccount.reserve(accountKey);
    if (accountSlot === null) return { ok: false, reason: 'throttled' };
    const addressSlot = await this.perAddress.reserve(address);
    if (addressSlot === null) {
      await accountSlot.release();
      return { ok: false, reason: 'throttled' };
    }
    // From here a failure (or a thrown error) keeps both slots: they are the recorded failure.
    const email = normalizeEmail(emailInput);
    const account = email === undefined ? null : await this.deps.accounts.findAdminAccountByEmail(email);
    const tooLong = [...password].length > MAX_PASSWORD_LENGTH;
    let matches: boolean;
    if (account === null || tooLong) {
      await verifyPassword(tooLong ? '' : password, await this.dummy());
      matches = false;
    } else {
      matches = await verifyPassword(password, account.passwordHash);
    }
    if (!matches || account === null || account.disabledAt !== null) return { ok: false, reason: 'invalid' };
    // A success clears the account's count; the address only gets back the slot this attempt took,
    // so signing in to one's own account does not wipe failures made against others.
    await this.perAccount.reset(accountKey);
    await addressSlot.release();
    return { ok: true, account };
  }

  /** Checks a secret other than a password (the bootstrap page's operator token) against the address throttle. */
  async guardAddress<T>(address: string, check: () => Promise<T | null>): Promise<{ ok: true; value: T } | { ok: false; reason: 'invalid' | 'throttled' }> {
    const slot = await this.perAddress.reserve(address);
    if (slot === null) return { ok: false, reason: 'throttled' };
    const value = await check();
    if (value === null) return { ok: false, reason: 'invalid' };
    await slot.release();
    return { ok: true, value };
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword('not a real password, only for timing', this.deps.scrypt ?? DEFAULT_SCRYPT);
    return this.dummyHash;
  }
}

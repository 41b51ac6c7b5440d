/**
 * What a login leaves behind for its launch: one record in the shared ephemeral store, so that any
 * LaunchGate process can finish a launch another one started. The launch spends it with one atomic
 * `consume` (never a read-then-write); that single write makes both the state and the nonce
 * single-use, because the nonce is bound to the login instead of being stored on its own.
 *
 * A login has a random id. Its state and its nonce are that id followed by one half each of an
 * HMAC of it, keyed with the deployment secret, so that:
 * - the state names the record, and cannot be made from the nonce (which the id_token shows);
 * - the id_token's nonce must be exactly the one derived from this login's id;
 * - a nonce that is not this login's is explained without storing anything more: a MAC that does
 *   not verify was never issued by LaunchGate; a login still waiting means it was issued for
 *   another login; a login that is gone means it was spent already (a replay) or has expired.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EphemeralStore } from '../../src/store/port';
import { LaunchCheckError } from './errors';

const NS_LOGIN = 'canvas-login';

/** Long enough for a slow platform between login and form_post; Canvas takes seconds. */
export const LOGIN_TTL_MS = 10 * 60_000;

const ID_BYTES = 16;
/** Each of state and nonce carries one half of the 32-byte HMAC: 128 bits each. */
const TAG_BYTES = 16;
/** base64url of ID_BYTES, then of TAG_BYTES. */
const ID_CHARS = 22;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{44}$/;

export interface LoginRecord {
  v: 2;
  issuer: string;
  clientId: string;
  /** `lti_deployment_id` from the login, when the platform sent one. */
  deploymentId: string | null;
  registrationId: string;
  /** sha256 of the browser binding secret held in the cookie or in platform storage. */
  bindingHash: string;
  /** `lti_storage_target` when the platform offered LTI platform storage. */
  storageTarget: string | null;
  /** Origin of the platform's OIDC auth endpoint: the only origin platform storage may answer from. */
  platformOrigin: string;
  /** The login parameters again, to restart the launch in a new window when the iframe cannot keep state. */
  relaunch: Record<string, string>;
  createdAt: number;
}

export type NewLogin = Omit<LoginRecord, 'v'>;

/** A login that a state names, still waiting for its launch. */
export interface PendingLogin {
  readonly id: string;
  readonly record: LoginRecord;
  /** The only nonce an id_token for this login may carry. */
  readonly nonce: string;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class LoginStates {
  private readonly macKey: Buffer;

  constructor(
    private readonly ephemeral: EphemeralStore,
    private readonly now: () => Date,
    /** The deployment secret: every process of a deployment derives the same MAC key from it. */
    secret: string,
  ) {
    this.macKey = createHash('sha256').update('launchgate:canvas-login:').update(secret).digest();
  }

  /** Records a login; returns the state and nonce to send to the platform. */
  async begin(login: NewLogin): Promise<{ state: string; nonce: string }> {
    const id = randomBytes(ID_BYTES).toString('base64url');
    const record: LoginRecord = { v: 2, ...login };
    const expires = new Date(this.now().getTime() + LOGIN_TTL_MS);
    // 128-bit random ids do not collide; if one ever did, this login must not reuse it.
    if (!(await this.ephemeral.putIfAbsent(NS_LOGIN, id, JSON.stringify(record), expires))) {
      throw new Error('login id collided; refusing to reuse it');
    }
    return this.tokens(id);
  }

  /** The login a state names, if it is still waiting for its launch; nothing is spent. */
  async peek(state: string): Promise<PendingLogin | null> {
    const id = idOf(state);
    if (id === null) return null;
    const tokens = this.tokens(id);
    if (!sameToken(state, tokens.state)) return null;
    const raw = await this.ephemeral.get(NS_LOGIN, id);
    const record = raw === null ? null : parseRecord(raw);
    return record === null ? null : { id, record, nonce: tokens.nonce };
  }

  /**
   * Spends the login after checking that the id_token's nonce is the one this login issued. Of
   * any number of concurrent launches with one state (in any process), exactly one gets past this;
   * a nonce of another login spends nothing.
   */
  async spend(login: PendingLogin, nonce: string): Promise<void> {
    if (!sameToken(nonce, login.nonce)) throw await this.foreignNonce(nonce);
    if ((await this.ephemeral.consume(NS_LOGIN, login.id)) === null) {
      throw new LaunchCheckError('state_unknown', 'the state was already used or has expired');
    }
  }

  /** Why a nonce that is not this login's was refused: read-only, on the failure path only. */
  private async foreignNonce(nonce: string): Promise<LaunchCheckError> {
    const id = idOf(nonce);
    if (id === null || !sameToken(nonce, this.tokens(id).nonce)) {
      return new LaunchCheckError('nonce_unknown', 'the id_token nonce was never issued by LaunchGate');
    }
    if ((await this.ephemeral.get(NS_LOGIN, id)) !== null) {
      return new LaunchCheckError('nonce_not_from_this_login', 'the id_token nonce was issued for a different login than this state');
    }
    return new LaunchCheckError('nonce_replayed', 'the id_token nonce belongs to a login that was already used (or has expired)');
  }

  /** The state and nonce of a login id: the id, then one half each of one HMAC of it. */
  private tokens(id: string): { state: string; nonce: string } {
    const mac = createHmac('sha256', this.macKey).update(id).digest();
    return {
      state: id + mac.subarray(0, TAG_BYTES).toString('base64url'),
      nonce: id + mac.subarray(TAG_BYTES, 2 * TAG_BYTES).toString('base64url'),
    };
  }
}

/** The login id a state or nonce carries, if it has the shape of one (its tag is checked by the caller). */
function idOf(value: string): string | null {
  return TOKEN_PATTERN.test(value) ? value.slice(0, ID_CHARS) : null;
}

function parseRecord(raw: string): LoginRecord | null {
  try {
    const value = JSON.parse(raw) as LoginRecord;
    return value && value.v === 2 ? value : null;
  } catch {
    return null;
  }
}

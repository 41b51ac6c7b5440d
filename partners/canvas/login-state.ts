/**
 * What a login leaves behind for its launch, in the shared ephemeral store so that any LaunchGate
 * process can finish a launch another one started:
 * - the login record, keyed by `state`, consumed once by the launch;
 * - the nonce, keyed by itself, holding which login issued it, consumed once (replay protection
 *   is one atomic `consume`, never a read-then-write);
 * - a marker for used nonces, so a replay is reported as a replay.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EphemeralStore } from '../../src/store/port';
import { LaunchCheckError } from './errors';

const NS_LOGIN = 'canvas-login';
const NS_NONCE = 'canvas-nonce';
const NS_NONCE_USED = 'canvas-nonce-used';

/** Long enough for a slow platform between login and form_post; Canvas takes seconds. */
export const LOGIN_TTL_MS = 10 * 60_000;
/** Longer than any token we accept (max age + skew), so every replay inside that window is caught. */
const NONCE_USED_TTL_MS = 15 * 60_000;

export interface LoginRecord {
  v: 1;
  issuer: string;
  clientId: string;
  /** `lti_deployment_id` from the login, when the platform sent one. */
  deploymentId: string | null;
  registrationId: string;
  nonce: string;
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

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

const STATE_PATTERN = /^[A-Za-z0-9_-]{20,128}$/;

export function isWellFormedState(state: string): boolean {
  return STATE_PATTERN.test(state);
}

export class LoginStates {
  constructor(
    private readonly ephemeral: EphemeralStore,
    private readonly now: () => Date,
  ) {}

  async begin(state: string, record: LoginRecord): Promise<void> {
    const expires = new Date(this.now().getTime() + LOGIN_TTL_MS);
    const fresh =
      (await this.ephemeral.putIfAbsent(NS_NONCE, record.nonce, sha256(state), expires)) &&
      (await this.ephemeral.putIfAbsent(NS_LOGIN, state, JSON.stringify(record), expires));
    // 256-bit random values do not collide; if one ever did, this login must not reuse it.
    if (!fresh) throw new Error('login state or nonce collided; refusing to reuse it');
  }

  async peek(state: string): Promise<LoginRecord | null> {
    if (!isWellFormedState(state)) return null;
    const raw = await this.ephemeral.get(NS_LOGIN, state);
    return raw === null ? null : parseRecord(raw);
  }

  /**
   * Spends the nonce: it must have been issued by this very login, and never used before. Of any
   * number of concurrent launches with one nonce (in any process), exactly one gets past this.
   */
  async consumeNonce(nonce: string, state: string): Promise<void> {
    const owner = await this.ephemeral.consume(NS_NONCE, nonce);
    if (owner === null) {
      const used = await this.ephemeral.get(NS_NONCE_USED, nonce);
      throw used !== null
        ? new LaunchCheckError('nonce_replayed', 'the id_token nonce was already used by an earlier launch')
        : new LaunchCheckError('nonce_unknown', 'the id_token nonce was never issued by LaunchGate (or has expired)');
    }
    await this.ephemeral.put(NS_NONCE_USED, nonce, '1', new Date(this.now().getTime() + NONCE_USED_TTL_MS));
    if (owner !== sha256(state)) {
      throw new LaunchCheckError('nonce_not_from_this_login', 'the id_token nonce was issued for a different login than this state');
    }
  }

  /** Spends the login: a second form_post with the same state finds nothing. */
  async consumeState(state: string): Promise<LoginRecord> {
    const raw = await this.ephemeral.consume(NS_LOGIN, state);
    const record = raw === null ? null : parseRecord(raw);
    if (record === null) throw new LaunchCheckError('state_unknown', 'the state was already used or has expired');
    return record;
  }
}

function parseRecord(raw: string): LoginRecord | null {
  try {
    const value = JSON.parse(raw) as LoginRecord;
    return value && value.v === 1 ? value : null;
  } catch {
    return null;
  }
}

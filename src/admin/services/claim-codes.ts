/**
 * One-time claim codes for pending connections. Anyone on the internet can run Canvas dynamic
 * registration against /lti/register, so a pending registration proves nothing about whose it
 * is: only the Canvas admin who ran it sees the code (on the registration's done page), and an
 * organization admin links the registration by presenting it. Without the code a pending
 * registration is the operator's alone.
 *
 * Kept in the ephemeral store: the code itself is never stored, only its SHA-256, as the key of a
 * record whose value is the connection id, so a code finds its connection in one read and a
 * stolen database reveals no usable code. `consume` makes it single-use across processes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EphemeralStore } from '../../store/port';

export const CLAIM_NAMESPACE = 'connection-claim';
/** Long enough for a Canvas admin to pass the code on; an operator can link without it after that. */
export const CLAIM_CODE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** Crockford's base32: no I, L, O or U, so a code read aloud or retyped survives. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 5;
const GROUP_LENGTH = 4;
/** 20 characters of 5 bits: 100 bits, far beyond guessing through a rate of API calls. */
const CODE_LENGTH = GROUPS * GROUP_LENGTH;

/** A fresh code, e.g. `7K2M-QX9D-A4TZ-0PNB-W3HC`. */
export function newClaimCode(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(CODE_LENGTH);
  let chars = '';
  // 256 is a multiple of 32: taking each byte modulo 32 is unbiased.
  for (let i = 0; i < CODE_LENGTH; i++) chars += ALPHABET[bytes[i]! % 32];
  return chars.match(new RegExp(`.{${GROUP_LENGTH}}`, 'g'))!.join('-');
}

/**
 * The code as typed, in its canonical form: upper case, without spaces or dashes, and with the
 * letters people confuse with digits read as those digits. Null when it cannot be a code.
 */
export function normalizeClaimCode(input: string | null | undefined): string | null {
  if (typeof input !== 'string' || input.length > 100) return null;
  const code = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (code.length !== CODE_LENGTH || ![...code].every((c) => ALPHABET.includes(c))) return null;
  return code;
}

function keyOf(code: string): string {
  return createHash('sha256').update('launchgate:claim-code:').update(code).digest('hex');
}

/** Records a new code for the pending connection and returns it (the only time it is seen). */
export async function issueClaimCode(ephemeral: EphemeralStore, connectionId: string, now: Date, code: string = newClaimCode()): Promise<string> {
  const canonical = normalizeClaimCode(code);
  if (canonical === null) throw new Error('issueClaimCode: not a claim code');
  await ephemeral.put(CLAIM_NAMESPACE, keyOf(canonical), connectionId, new Date(now.getTime() + CLAIM_CODE_TTL_MS));
  return code;
}

/** The id of the connection the code claims, without using the code up; null for any code not issued (or expired). */
export async function claimedConnectionId(ephemeral: EphemeralStore, code: string | null | undefined): Promise<string | null> {
  const canonical = normalizeClaimCode(code);
  return canonical === null ? null : ephemeral.get(CLAIM_NAMESPACE, keyOf(canonical));
}

/** Uses the code up: of concurrent callers, one gets the connection id. */
export async function consumeClaimCode(ephemeral: EphemeralStore, code: string | null | undefined): Promise<string | null> {
  const canonical = normalizeClaimCode(code);
  return canonical === null ? null : ephemeral.consume(CLAIM_NAMESPACE, keyOf(canonical));
}

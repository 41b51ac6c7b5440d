/**
 * Platform key sets, cached per JWKS URL as KeyObjects. Like jose's createRemoteJWKSet: one
 * in-flight fetch shared by every concurrent launch, a cooldown before an unknown `kid` may trigger
 * another fetch, and a maximum age after which the set is refreshed. A burst of launches costs one
 * fetch; a flood of tokens with invented `kid`s costs at most one fetch per cooldown.
 */
import type { KeyObject } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { fetchJson, HttpFailure, type FetchLike } from './http';
import { LaunchCheckError, PlatformUnavailableError } from './errors';

export interface PlatformKeysOptions {
  fetch: FetchLike;
  now: () => Date;
  /** No refetch for an unknown kid within this long of the last fetch. */
  cooldownMs?: number;
  /** After a failed fetch, launches wait this long before trying again. */
  failureCooldownMs?: number;
  /** A set older than this is refreshed before use (kept if the refresh fails). */
  maxAgeMs?: number;
  timeoutMs?: number;
}

interface KeySetEntry {
  keys: Map<string, KeyObject>;
  fetchedAt: number | null;
  failedAt: number | null;
  inflight: Promise<void> | null;
  fetches: number;
}

const MAX_KEYS = 100;

export class PlatformKeys {
  private readonly entries = new Map<string, KeySetEntry>();
  private readonly cooldownMs: number;
  private readonly failureCooldownMs: number;
  private readonly maxAgeMs: number;

  constructor(private readonly options: PlatformKeysOptions) {
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.failureCooldownMs = options.failureCooldownMs ?? 5_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  }

  /** How many times this process fetched the set (for tests and metrics). */
  fetchCount(jwksUrl: string): number {
    return this.entries.get(jwksUrl)?.fetches ?? 0;
  }

  async key(jwksUrl: string, kid: string): Promise<KeyObject> {
    const entry = this.entry(jwksUrl);
    if (entry.inflight) await entry.inflight;
    const now = this.options.now().getTime();
    const known = entry.keys.get(kid);
    const fresh = entry.fetchedAt !== null && now - entry.fetchedAt < this.maxAgeMs;
    if (known && fresh) return known;

    if (this.mayFetch(entry, now, fresh)) {
      await this.refresh(jwksUrl, entry);
      const key = entry.keys.get(kid) ?? known;
      if (key) return key;
      if (entry.failedAt !== null) {
        throw new PlatformUnavailableError('jwks_unavailable', `the platform key set at ${jwksUrl} could not be fetched`);
      }
    } else if (known) {
      return known;
    } else if (entry.fetchedAt === null) {
      throw new PlatformUnavailableError('jwks_unavailable', `the platform key set at ${jwksUrl} failed recently; not retrying yet`);
    }
    throw new LaunchCheckError('kid_unknown', `no key "${kid.slice(0, 64)}" in the platform key set`);
  }

  private entry(jwksUrl: string): KeySetEntry {
    let entry = this.entries.get(jwksUrl);
    if (!entry) {
      entry = { keys: new Map(), fetchedAt: null, failedAt: null, inflight: null, fetches: 0 };
      this.entries.set(jwksUrl, entry);
    }
    return entry;
  }

  private mayFetch(entry: KeySetEntry, now: number, fresh: boolean): boolean {
    if (entry.failedAt !== null && now - entry.failedAt < this.failureCooldownMs) return false;
    if (!fresh) return true;
    // Fresh set, unknown kid: a rotation is possible, but a forged kid must not buy a fetch each time.
    return entry.fetchedAt === null || now - entry.fetchedAt >= this.cooldownMs;
  }

  private refresh(jwksUrl: string, entry: KeySetEntry): Promise<void> {
    if (entry.inflight) return entry.inflight;
    entry.fetches += 1;
    entry.inflight = (async () => {
      try {
        const body = await fetchJson(this.options.fetch, jwksUrl, { timeoutMs: this.options.timeoutMs });
        entry.keys = await importKeySet(body);
        entry.fetchedAt = this.options.now().getTime();
        entry.failedAt = null;
      } catch (err) {
        entry.failedAt = this.options.now().getTime();
        if (!(err instanceof HttpFailure) && !(err instanceof PlatformUnavailableError)) throw err;
      } finally {
        entry.inflight = null;
      }
    })();
    return entry.inflight;
  }
}

/** Only RSA signing keys with a kid are usable for LTI (RS256); anything else in the set is skipped. */
async function importKeySet(body: unknown): Promise<Map<string, KeyObject>> {
  const list = typeof body === 'object' && body !== null ? (body as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(list)) throw new PlatformUnavailableError('jwks_malformed', 'the platform key set has no "keys" array');
  const keys = new Map<string, KeyObject>();
  for (const item of list.slice(0, MAX_KEYS)) {
    if (typeof item !== 'object' || item === null) continue;
    const jwk = item as JWK;
    if (jwk.kty !== 'RSA' || typeof jwk.kid !== 'string' || jwk.kid === '') continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
    try {
      const key = await importJWK({ kty: 'RSA', n: jwk.n, e: jwk.e }, 'RS256');
      if (typeof key === 'object' && 'type' in key && key.type === 'public') keys.set(jwk.kid, key as KeyObject);
    } catch {
      // A malformed key is skipped; the set's other keys stay usable.
    }
  }
  return keys;
}

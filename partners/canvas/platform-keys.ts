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
import type { SharedKeySets } from './shared-key-sets';

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
  /**
   * Key sets shared with the other processes on the store: a set one of them fetched is used as
   * is, and while one fetches the others wait for its result instead of fetching too.
   */
  shared?: SharedKeySets;
  /** How often a process waiting for another's fetch looks for the result. */
  sharedPollMs?: number;
}

interface KeySetEntry {
  keys: Map<string, KeyObject>;
  fetchedAt: number | null;
  failedAt: number | null;
  inflight: Promise<void> | null;
  fetches: number;
}

const MAX_KEYS = 100;
/** fetchJson's own default, which bounds how long a process waits for another's fetch. */
const DEFAULT_FETCH_TIMEOUT_MS = 5_000;

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
      await this.refresh(jwksUrl, entry, kid);
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

  private refresh(jwksUrl: string, entry: KeySetEntry, kid: string): Promise<void> {
    if (entry.inflight) return entry.inflight;
    entry.inflight = (async () => {
      try {
        const lease = this.options.shared ? await this.awaitShared(this.options.shared, jwksUrl, entry, kid) : null;
        if (lease !== 'answered') await this.fetchSet(jwksUrl, entry, lease);
      } finally {
        entry.inflight = null;
      }
    })();
    return entry.inflight;
  }

  /**
   * `answered` when another process's fetch settles this lookup (its set, or its failure);
   * otherwise the fetch lease this process holds, or null to fetch without one. The store is only
   * a cache here: when it fails, the process fetches by itself.
   */
  private async awaitShared(shared: SharedKeySets, jwksUrl: string, entry: KeySetEntry, kid: string): Promise<'answered' | string | null> {
    try {
      if (await this.adoptShared(shared, jwksUrl, entry, kid)) return 'answered';
      // Another process's fetch failed moments ago (the marker lasts the failure cooldown): the
      // platform is not asked again by every process in turn.
      if (await shared.failedSince(jwksUrl, 0)) {
        entry.failedAt = this.options.now().getTime();
        return 'answered';
      }
      const timeoutMs = this.options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
      const leaseUntil = () => new Date(this.options.now().getTime() + timeoutMs + 1_000);
      const lease = await shared.claimFetch(jwksUrl, leaseUntil());
      if (lease !== null) return lease;
      const waitingSince = this.options.now().getTime();
      // Real time, not the injected clock: this is how long to wait for another process's fetch.
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, this.options.sharedPollMs ?? 25));
        if (await this.adoptShared(shared, jwksUrl, entry, kid)) return 'answered';
        if (await shared.failedSince(jwksUrl, waitingSince)) {
          entry.failedAt = this.options.now().getTime();
          return 'answered';
        }
        // The holder is gone without an answer (it crashed, or its store write failed): take over.
        const taken = await shared.claimFetch(jwksUrl, leaseUntil());
        if (taken !== null) return taken;
      }
    } catch {
      // fall through to a fetch of our own
    }
    return null;
  }

  /** Takes a set another process fetched after ours, if it has the kid or is too recent to refetch. */
  private async adoptShared(shared: SharedKeySets, jwksUrl: string, entry: KeySetEntry, kid: string): Promise<boolean> {
    const set = await shared.read(jwksUrl);
    if (set === null || (entry.fetchedAt !== null && set.fetchedAt <= entry.fetchedAt)) return false;
    const now = this.options.now().getTime();
    if (now - set.fetchedAt >= this.maxAgeMs) return false;
    try {
      entry.keys = await importKeySet(set.body);
    } catch {
      return false;
    }
    entry.fetchedAt = set.fetchedAt;
    entry.failedAt = null;
    return entry.keys.has(kid) || now - set.fetchedAt < this.cooldownMs;
  }

  private async fetchSet(jwksUrl: string, entry: KeySetEntry, lease: string | null): Promise<void> {
    const shared = this.options.shared;
    entry.fetches += 1;
    try {
      const body = await fetchJson(this.options.fetch, jwksUrl, { timeoutMs: this.options.timeoutMs });
      entry.keys = await importKeySet(body);
      const fetchedAt = this.options.now().getTime();
      entry.fetchedAt = fetchedAt;
      entry.failedAt = null;
      await shared?.write(jwksUrl, { body, fetchedAt }, new Date(fetchedAt + this.maxAgeMs)).catch(() => undefined);
    } catch (err) {
      const failedAt = this.options.now().getTime();
      entry.failedAt = failedAt;
      await shared?.markFailed(jwksUrl, failedAt, new Date(failedAt + this.failureCooldownMs)).catch(() => undefined);
      if (!(err instanceof HttpFailure) && !(err instanceof PlatformUnavailableError)) throw err;
    } finally {
      if (lease !== null) await shared?.release(jwksUrl, lease).catch(() => undefined);
    }
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

/**
 * Reads of configuration (organizations, entitlements, directories, domains, connections) kept
 * in memory for as long as the file's config generation stays the same. Triggers bump that
 * generation in the same transaction as any change to those tables, whichever process makes it,
 * so a cached answer is never older than the generation read just before it is returned.
 *
 * Cached values are frozen: a caller that changed one would change it for every later launch.
 */

/** Distinct lookups kept per generation; unknown names sent by strangers must not grow it forever. */
const MAX_ENTRIES = 5_000;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as Record<string, unknown>)) deepFreeze(inner);
  }
  return value;
}

export class ConfigCache {
  private generation: number | null = null;
  private readonly entries = new Map<string, unknown>();

  constructor(private readonly currentGeneration: () => number) {}

  read<T>(key: string, load: () => T): T {
    const generation = this.currentGeneration();
    if (generation !== this.generation) {
      this.entries.clear();
      this.generation = generation;
    }
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const value = deepFreeze(load());
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }
}

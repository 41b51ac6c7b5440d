/** What the admin services need from outside: the store, the products, and time, randomness and DNS. */
import { randomBytes } from 'node:crypto';
import { promises as dns } from 'node:dns';
import type { ProductCatalog } from '../../provisioning/product';
import type { Store } from '../../store/port';

export type ResolveTxt = (name: string) => Promise<string[][]>;

export interface AdminDeps {
  store: Store;
  products: ProductCatalog;
  resolveTxt: ResolveTxt;
  now: () => Date;
  /** A fresh unguessable value, base64url; used for domain verification tokens. */
  newSecret: () => string;
  /**
   * Production (NODE_ENV=production): partner endpoints an admin enters must not point at a
   * private, loopback or link-local address. Off in development and tests, whose partner
   * simulators listen on loopback.
   */
  refusePrivateHosts: boolean;
}

/** Per call: which request made the change, so the audit event can be matched to the access log. */
export interface CallMeta {
  requestId?: string | null;
}

export interface AdminDepsInput {
  store: Store;
  products: ProductCatalog;
  resolveTxt?: ResolveTxt;
  now?: () => Date;
  newSecret?: () => string;
  refusePrivateHosts?: boolean;
}

/** A resolver with a short timeout: an admin waits on it, and a slow DNS server should not hang the page. */
function defaultResolveTxt(): ResolveTxt {
  const resolver = new dns.Resolver({ timeout: 3000, tries: 2 });
  return (name) => resolver.resolveTxt(name);
}

export function adminDeps(input: AdminDepsInput): AdminDeps {
  return {
    store: input.store,
    products: input.products,
    resolveTxt: input.resolveTxt ?? defaultResolveTxt(),
    now: input.now ?? (() => new Date()),
    newSecret: input.newSecret ?? (() => randomBytes(24).toString('base64url')),
    refusePrivateHosts: input.refusePrivateHosts ?? false,
  };
}

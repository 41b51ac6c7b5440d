/**
 * /lti/register makes LaunchGate fetch a URL anyone can choose (`openid_configuration`), and the
 * pending connection it records points at more (the issuer's key set). In production none of them
 * may be on a private network: otherwise the registration page is a probe into LaunchGate's own
 * network (cloud metadata at 169.254.169.254, admin ports on 127.0.0.1, services on 10.0.0.0/8).
 *
 * Launches fetch that key set too (PlatformKeys), at the URL the connection names: in production
 * those fetches go through the same guard (`guardedFetch`, wired in index.ts).
 *
 * A host is refused when it is an IP literal in a non-public range, or when any address it
 * resolves to is (one private answer is enough: a resolver may hand out either). Resolution comes
 * in as a parameter so tests decide what a name resolves to.
 *
 * DNS rebinding (a name answering public to the check and private to the connection a moment
 * later) is closed by `pinnedFetch`: in production every call goes through an HTTP agent whose
 * own name lookup applies the same rule, so the connection is made to an address that was
 * checked, in the same lookup. The check before the call stays, for its clear error codes.
 */
import type { LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { Agent, fetch as undiciFetch } from 'undici';
import { ipLiteralOf, isNonPublicAddress } from '../../src/identity/address-ranges';
import type { FetchLike } from './http';

/** All addresses a host name resolves to. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export class PrivateHostError extends Error {
  override readonly name = 'PrivateHostError';
  constructor(
    readonly code: 'platform_host_private' | 'platform_host_unresolvable',
    message: string,
  ) {
    super(message);
  }
}

// Which addresses are not the public internet is shared with the admin services (which refuse such
// IP literals in the endpoints an admin types): src/identity/address-ranges.ts.
export { isNonPublicAddress };

export interface HostGuard {
  /** Throws PrivateHostError when the URL's host must not be called. */
  check(url: URL): Promise<void>;
}

/** Development and tests run their simulated Canvas on loopback: nothing is refused there. */
export const allowAllHosts: HostGuard = { check: async () => {} };

export function publicHostsOnly(resolve: HostResolver = systemResolver): HostGuard {
  return {
    async check(url) {
      // URL has already normalized IPv4 forms (127.1, 0x7f000001) to dotted quads.
      const literal = ipLiteralOf(url);
      if (literal !== null) {
        if (isNonPublicAddress(literal)) throw new PrivateHostError('platform_host_private', `${literal} is not a public address`);
        return;
      }
      const host = url.hostname;
      let addresses: string[];
      try {
        addresses = await resolve(host);
      } catch {
        throw new PrivateHostError('platform_host_unresolvable', `${host} does not resolve`);
      }
      if (addresses.length === 0) throw new PrivateHostError('platform_host_unresolvable', `${host} does not resolve`);
      const inner = addresses.find(isNonPublicAddress);
      if (inner !== undefined) throw new PrivateHostError('platform_host_private', `${host} resolves to ${inner}, which is not a public address`);
    },
  };
}

/**
 * A fetch that asks the guard first, for outbound calls made at launch time (the platform's key
 * set, whose URL a connection names). A refused host rejects like an unreachable one: fetchJson
 * turns it into an HttpFailure (`http_network`), and the launch fails as for any platform that
 * does not answer, without a request being sent.
 */
export function guardedFetch(fetchImpl: FetchLike, hosts: HostGuard): FetchLike {
  return async (input, init) => {
    await hosts.check(new URL(input));
    return fetchImpl(input, init);
  };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function familyOf(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

/**
 * A fetch whose connections resolve names through `resolve` and refuse them unless every address
 * is `allowed`, at the moment the socket is opened: no second lookup exists for an attacker's DNS
 * to answer differently. IP literals need no lookup; the guard's check refuses the private ones.
 * `allowed` is a parameter so tests can allow their loopback server and refuse another address.
 */
export function pinnedFetch(resolve: HostResolver = systemResolver, allowed: (address: string) => boolean = (a) => !isNonPublicAddress(a)): FetchLike {
  const pinnedLookup = (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !allowed(a));
        if (addresses.length === 0 || refused !== undefined) {
          const err: NodeJS.ErrnoException = new PrivateHostError(
            addresses.length === 0 ? 'platform_host_unresolvable' : 'platform_host_private',
            addresses.length === 0 ? `${hostname} does not resolve` : `${hostname} resolves to ${refused}, which is not a public address`,
          );
          err.code = addresses.length === 0 ? 'ENOTFOUND' : 'EACCES';
          callback(err, options.all ? [] : '');
          return;
        }
        if (options.all) callback(null, addresses.map((address) => ({ address, family: familyOf(address) })));
        else callback(null, addresses[0]!, familyOf(addresses[0]!));
      },
      (err: unknown) => callback(Object.assign(new PrivateHostError('platform_host_unresolvable', `${hostname} does not resolve`), { cause: err, code: 'ENOTFOUND' }), options.all ? [] : ''),
    );
  };
  const agent = new Agent({ connect: { lookup: pinnedLookup } });
  // undici's own fetch: the dispatcher must be of the same undici as the fetch that uses it.
  return (input, init) => undiciFetch(input, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: agent }) as unknown as Promise<Response>;
}

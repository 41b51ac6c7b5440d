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
 * What this does not close: DNS rebinding between our lookup and fetch's own (a name answering
 * public to us and private to fetch a moment later). Every outbound call of a registration is
 * checked just before it is made, which narrows the window to one lookup; closing it needs the
 * connection pinned to the checked address (a dispatcher with its own `lookup`).
 */
import { lookup } from 'node:dns/promises';
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

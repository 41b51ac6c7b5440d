/**
 * /lti/register makes LaunchGate fetch a URL anyone can choose (`openid_configuration`), and the
 * pending connection it records points at more (the issuer's key set). In production none of them
 * may be on a private network: otherwise the registration page is a probe into LaunchGate's own
 * network (cloud metadata at 169.254.169.254, admin ports on 127.0.0.1, services on 10.0.0.0/8).
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
import { BlockList, isIP } from 'node:net';

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

/** Ranges that are not the public internet (RFC 6890 special-purpose registries, abridged). */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some)
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** True for an address LaunchGate must not call in production (IPv4-mapped IPv6 counts as its IPv4). */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

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
      const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      if (isIP(host) !== 0) {
        if (isNonPublicAddress(host)) throw new PrivateHostError('platform_host_private', `${host} is not a public address`);
        return;
      }
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

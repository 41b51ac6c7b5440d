/**
 * Which IP addresses are on the public internet. LaunchGate calls partner servers (key sets,
 * registration endpoints) at URLs a partner or an admin chose; in production none may be an address
 * on LaunchGate's own network. Shared by the Canvas adapter (partners/canvas/network-guard.ts, which
 * also resolves names) and the admin services (which judge the IP literals an admin types). Pure.
 *
 * IPv6 forms that carry an IPv4 address are judged by that address: IPv4-mapped (::ffff:a.b.c.d),
 * NAT64 with the well-known prefix (64:ff9b::a.b.c.d, RFC 6052) and 6to4 (2002:AABB:CCDD::/48,
 * RFC 3056), so 64:ff9b::10.0.0.5 and 2002:a00:5:: are as private as 10.0.0.5. Outside 2000::/3
 * (global unicast) no IPv6 address is public.
 */
import { isIP } from 'node:net';

type Bytes = readonly number[];
type Range = readonly [network: string, prefix: number];

/** IPv4 ranges that are not the public internet (RFC 6890 special-purpose registry, abridged). */
const NON_PUBLIC_V4: readonly Range[] = [
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
];

/** Global unicast: every public IPv6 address is in it. */
const GLOBAL_UNICAST: Range = ['2000::', 3];

/**
 * Inside 2000::/3, the ranges that are not the public internet. (Outside it, everything is refused:
 * ::1, ::, fc00::/7, fe80::/10, fec0::/10, ff00::/8, 100::/64, IPv4-compatible and -translated forms.)
 */
const NON_PUBLIC_V6: readonly Range[] = [
  ['2001::', 32], // Teredo: a tunnel to whichever IPv4 host the relay decodes
  ['2001:2::', 48], // benchmarking
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // SRv6 segment identifiers
];

/** Where an IPv6 address carries an IPv4 address: the prefix, and the byte offset of the IPv4 address. */
const EMBEDDING_V4: readonly (readonly [range: Range, offset: number])[] = [
  [['::ffff:0:0', 96], 12], // IPv4-mapped
  [['64:ff9b::', 96], 12], // NAT64, well-known prefix
  [['2002::', 16], 2], // 6to4
];

/**
 * NAT64 local-use prefix (RFC 8215): translated by a gateway on the deployment's own network, with
 * the IPv4 address wherever that network's prefix length puts it. Refused whole.
 */
const LOCAL_NAT64: Range = ['64:ff9b:1::', 48];

function ipv4Bytes(address: string): Bytes | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

function ipv6Bytes(address: string): Bytes | null {
  let text = address.split('%')[0]!; // a zone id (fe80::1%eth0) names an interface, not an address
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // A trailing dotted quad (::ffff:10.0.0.5) is the last two groups.
    const v4 = ipv4Bytes(text.slice(lastColon + 1));
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string | undefined) => (half === undefined || half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  const bytes: number[] = [];
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return bytes;
}

function parsedRange([network, prefix]: Range): readonly [Bytes, number] {
  const bytes = network.includes(':') ? ipv6Bytes(network) : ipv4Bytes(network);
  if (bytes === null) throw new Error(`bad range ${network}/${prefix}`);
  return [bytes, prefix];
}

function inRange(address: Bytes, [network, prefix]: readonly [Bytes, number]): boolean {
  if (address.length !== network.length) return false;
  for (let bit = 0; bit < prefix; bit += 8) {
    const width = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - width)) & 0xff;
    const i = bit / 8;
    if ((address[i]! & mask) !== (network[i]! & mask)) return false;
  }
  return true;
}

const V4_RANGES = NON_PUBLIC_V4.map(parsedRange);
const V6_RANGES = NON_PUBLIC_V6.map(parsedRange);
const V6_GLOBAL = parsedRange(GLOBAL_UNICAST);
const V6_LOCAL_NAT64 = parsedRange(LOCAL_NAT64);
const V6_EMBEDDINGS = EMBEDDING_V4.map(([range, offset]) => [parsedRange(range), offset] as const);

function isNonPublicV4(bytes: Bytes): boolean {
  return V4_RANGES.some((range) => inRange(bytes, range));
}

function isNonPublicV6(bytes: Bytes): boolean {
  if (inRange(bytes, V6_LOCAL_NAT64)) return true;
  for (const [range, offset] of V6_EMBEDDINGS) {
    if (inRange(bytes, range)) return isNonPublicV4(bytes.slice(offset, offset + 4));
  }
  if (!inRange(bytes, V6_GLOBAL)) return true;
  return V6_RANGES.some((range) => inRange(bytes, range));
}

/**
 * True for an address LaunchGate must not call in production. Anything that is not an IP address
 * counts as non-public: a caller that cannot tell must not call.
 */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  const bytes = family === 4 ? ipv4Bytes(address) : family === 6 ? ipv6Bytes(address) : null;
  if (bytes === null) return true;
  return bytes.length === 4 ? isNonPublicV4(bytes) : isNonPublicV6(bytes);
}

/**
 * The IP address a URL's host is written as, or null when the host is a name. URL has already
 * normalized the IPv4 spellings (127.1, 0x7f000001) to dotted quads; IPv6 comes in brackets.
 */
export function ipLiteralOf(url: URL): string | null {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) === 0 ? null : host;
}

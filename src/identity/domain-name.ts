/**
 * Domain names as LaunchGate stores and compares them: lower-case IDNA (punycode) form, so that
 * `BÜCHER.example` claimed by an admin and `xn--bcher-kva.example` in a launch's email are the same
 * claim. Pure: no DNS here.
 */
import { domainToASCII } from 'node:url';

export class DomainNameError extends Error {
  override readonly name = 'DomainNameError';
  readonly code = 'invalid_domain';
}

const MAX_NAME = 253;
const MAX_LABEL = 63;
/** After IDNA conversion every label is LDH (letters, digits, hyphen), hyphens not at either end. */
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Characters that mean the input is a URL, an address or a pattern, not a domain name. */
const NOT_A_NAME = /[\s/\\@:?#[\]*%,;"'<>()]/u;

function fail(input: string, why: string): never {
  throw new DomainNameError(`"${input}" is not a domain name we can claim: ${why}`);
}

/** Returns the normalized name, or throws DomainNameError with a message an admin can act on. */
export function normalizeDomainName(input: string): string {
  let name = input.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === '') fail(input, 'it is empty');
  if (name.includes('*')) fail(input, 'wildcards are not allowed; claim each domain by its exact name');
  if (NOT_A_NAME.test(name)) fail(input, 'it contains characters a domain name cannot have (enter only the domain, e.g. school.example.org)');
  if (/^\d+(\.\d+){3}$/.test(name)) fail(input, 'IP addresses cannot be claimed');

  const ascii = domainToASCII(name);
  if (ascii === '') fail(input, 'it is not a valid internationalized domain name');
  if (ascii.length > MAX_NAME) fail(input, `it is longer than ${MAX_NAME} characters`);
  const labels = ascii.split('.');
  if (labels.length < 2) fail(input, 'it needs at least two labels, e.g. school.example.org');
  for (const label of labels) {
    if (label === '') fail(input, 'it has an empty label (two dots in a row)');
    if (label.length > MAX_LABEL) fail(input, `the label "${label}" is longer than ${MAX_LABEL} characters`);
    if (!LDH_LABEL.test(label)) {
      fail(input, `the label "${label}" may only hold letters, digits and inner hyphens`);
    }
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) fail(input, 'a top-level domain cannot be all digits (IP addresses cannot be claimed)');
  return ascii;
}

import assert from 'node:assert/strict';
import { DomainNameError, normalizeDomainName } from '../../src/identity/domain-name';

describe('normalizeDomainName', () => {
  it('trims, lower-cases and drops one trailing dot', () => {
    assert.equal(normalizeDomainName('  School.Example.ORG. '), 'school.example.org');
  });

  it('converts internationalized names to punycode', () => {
    assert.equal(normalizeDomainName('BÜCHER.example'), 'xn--bcher-kva.example');
    assert.equal(normalizeDomainName('xn--bcher-kva.example'), 'xn--bcher-kva.example');
  });

  const refused: Array<[string, string, RegExp]> = [
    ['an empty name', '   ', /empty/],
    ['a wildcard', '*.school.example', /wildcard/],
    ['an IPv4 address', '192.168.1.10', /IP address/],
    ['an IPv6 address', '[::1]', /characters/],
    ['a single label', 'localhost', /two labels/],
    ['an email address', 'someone@school.example', /characters/],
    ['a URL', 'https://school.example/', /characters/],
    ['an empty label', 'school..example', /empty label/],
    ['a label over 63 characters', `${'a'.repeat(64)}.example`, /longer than 63/],
    ['a name over 253 characters', `${'a'.repeat(60)}.`.repeat(5) + 'example', /longer than 253/],
    ['an underscore', 'my_school.example', /letters, digits/],
    ['a leading hyphen', '-school.example', /letters, digits/],
    ['an all-digit top-level domain', 'school.123', /./],
    ['two trailing dots', 'school.example..', /empty label/],
  ];
  for (const [what, input, message] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => normalizeDomainName(input), (err: unknown) => err instanceof DomainNameError && err.code === 'invalid_domain' && message.test(err.message));
    });
  }
});

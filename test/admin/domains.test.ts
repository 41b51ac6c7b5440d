import assert from 'node:assert/strict';
import { seedOrg, startApi, type TestApi } from './support';

describe('admin API: domains', () => {
  let api: TestApi;
  /** What the fake DNS publishes: record name → TXT records (each a list of chunks), or an error code. */
  const dns = new Map<string, string[][] | string>();
  let lookups: string[] = [];
  let orgA: { orgId: string; directoryId: string };
  let orgB: { orgId: string; directoryId: string };

  before(async () => {
    api = await startApi({
      resolveTxt: async (name) => {
        lookups.push(name);
        const answer = dns.get(name);
        if (answer === undefined) throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
        if (typeof answer === 'string') throw Object.assign(new Error(`queryTxt ${answer} ${name}`), { code: answer });
        return answer;
      },
    });
    orgA = await seedOrg(api, 'Org A');
    orgB = await seedOrg(api, 'Org B');
  });
  after(() => api?.close());
  beforeEach(() => {
    dns.clear();
    lookups = [];
  });

  it('claims a domain and answers the TXT record to publish', async () => {
    const res = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'Springfield.Example.' } });
    assert.equal(res.status, 201);
    assert.equal(res.body.name, 'springfield.example');
    assert.equal(res.body.status, 'pending');
    assert.match(res.body.verificationToken, /^[A-Za-z0-9_-]{20,}$/);
    assert.deepEqual(res.body.dnsRecord, {
      type: 'TXT',
      name: '_launchgate-challenge.springfield.example',
      value: `launchgate-domain-verification=${res.body.verificationToken}`,
    });
    const list = await api.call('GET', `/directories/${orgA.directoryId}/domains`);
    assert.ok(list.body.items.some((d: { id: string }) => d.id === res.body.id));
    assert.equal((await api.call('GET', `/domains/${res.body.id}`)).body.name, 'springfield.example');
  });

  it('stores internationalized domains in punycode', async () => {
    const res = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'BÜCHER.example' } });
    assert.equal(res.status, 201);
    assert.equal(res.body.name, 'xn--bcher-kva.example');
    assert.equal(res.body.dnsRecord.name, '_launchgate-challenge.xn--bcher-kva.example');
  });

  for (const [what, name] of [
    ['a wildcard', '*.school.example'],
    ['an IP address', '10.0.0.1'],
    ['a single label', 'intranet'],
    ['an email address', 'someone@school.example'],
    ['an invalid IDNA label', 'xn--zz.example'],
  ]) {
    it(`refuses to claim ${what}`, async () => {
      const res = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name } });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'invalid_input');
      assert.equal(res.body.error.field, 'name');
    });
  }

  it('refuses a domain another organization has verified, with 409 and without naming it', async () => {
    const claim = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'shared.example' } });
    assert.equal(claim.status, 201);
    assert.equal((await api.call('POST', `/domains/${claim.body.id}/operator-verify`)).status, 200);
    const res = await api.call('POST', `/directories/${orgB.directoryId}/domains`, { body: { name: 'SHARED.example' } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'conflict');
    assert.match(res.body.error.message, /already verified by another directory/);
    assert.doesNotMatch(res.body.error.message, /Org A/);
  });

  it('refuses claiming one name twice in the same directory (409)', async () => {
    assert.equal((await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'twice.example' } })).status, 201);
    const res = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'twice.example' } });
    assert.equal(res.status, 409);
    assert.match(res.body.error.message, /already claims/);
  });

  it('squatting fails: an organization admin claiming another district’s domain first blocks nothing; DNS proof wins, and the squat is removed and audited', async () => {
    const squatter = await api.orgAdminToken(orgB.orgId);
    const squat = await api.call('POST', `/directories/${orgB.directoryId}/domains`, { body: { name: 'district.example' }, token: squatter });
    assert.equal(squat.status, 201);
    const owner = await api.orgAdminToken(orgA.orgId);
    const claim = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'district.example' }, token: owner });
    assert.equal(claim.status, 201, 'a pending claim elsewhere does not block the real owner');

    // The squatter cannot publish the owner's DNS record; the owner can.
    dns.set(claim.body.dnsRecord.name, [[claim.body.dnsRecord.value]]);
    const squatVerify = await api.call('POST', `/domains/${squat.body.id}/verify`, { token: squatter });
    assert.equal(squatVerify.body.check.matched, false, "the squatter's own token is not published");
    const verified = await api.call('POST', `/domains/${claim.body.id}/verify`, { token: owner });
    assert.equal(verified.body.domain.status, 'verified');

    assert.equal((await api.call('GET', `/domains/${squat.body.id}`)).status, 404, 'the other pending claim is gone');
    const lost = await api.store.listAudit({ orgId: orgB.orgId, reason: 'domain.superseded' }, { limit: 10, offset: 0 });
    assert.equal(lost.total, 1);
    assert.equal(lost.items[0]?.detail?.domain, 'district.example');
    assert.doesNotMatch(JSON.stringify(lost.items[0]), new RegExp(orgA.orgId), "the winner's organization is not named to the loser");
    const again = await api.call('POST', `/directories/${orgB.directoryId}/domains`, { body: { name: 'district.example' }, token: squatter });
    assert.equal(again.status, 409, 'and the verified name cannot be claimed again');
  });

  it('once one directory verifies a name, the losing claim cannot be verified, even by the operator (it is gone: 404)', async () => {
    const a = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'race.example' } });
    const b = await api.call('POST', `/directories/${orgB.directoryId}/domains`, { body: { name: 'race.example' } });
    assert.equal((await api.call('POST', `/domains/${a.body.id}/operator-verify`)).status, 200);
    const res = await api.call('POST', `/domains/${b.body.id}/operator-verify`);
    assert.equal(res.status, 404, 'the losing claim was removed with the verification');
    const verified = await api.store.listDomains({});
    assert.equal(verified.filter((d) => d.name === 'race.example').length, 1);
  });

  it('verifies a domain when the TXT record matches (chunks joined)', async () => {
    const claim = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'verified.example' } });
    const value: string = claim.body.dnsRecord.value;
    dns.set(claim.body.dnsRecord.name, [['unrelated'], [value.slice(0, 10), value.slice(10)]]);
    const res = await api.call('POST', `/domains/${claim.body.id}/verify`);
    assert.equal(res.status, 200);
    assert.deepEqual(lookups, ['_launchgate-challenge.verified.example']);
    assert.equal(res.body.check.matched, true);
    assert.deepEqual(res.body.check.found, ['unrelated', value]);
    assert.equal(res.body.domain.status, 'verified');
    assert.equal(res.body.domain.verifiedBy, 'dns');
  });

  it('reports other values found without verifying', async () => {
    const claim = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'other.example' } });
    dns.set(claim.body.dnsRecord.name, [['launchgate-domain-verification=someone-elses-token']]);
    const res = await api.call('POST', `/domains/${claim.body.id}/verify`);
    assert.equal(res.status, 200);
    assert.equal(res.body.check.matched, false);
    assert.deepEqual(res.body.check.found, ['launchgate-domain-verification=someone-elses-token']);
    assert.equal(res.body.check.expectedValue, claim.body.dnsRecord.value);
    assert.equal(res.body.domain.status, 'pending');
  });

  it('reports nothing found when no record exists (NXDOMAIN or no TXT), not an error', async () => {
    const claim = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'empty.example' } });
    const nothing = await api.call('POST', `/domains/${claim.body.id}/verify`);
    assert.equal(nothing.status, 200);
    assert.deepEqual(nothing.body.check.found, []);
    assert.equal(nothing.body.check.matched, false);
    assert.equal(nothing.body.check.lookupError, null);
    dns.set(claim.body.dnsRecord.name, 'ENODATA');
    assert.equal((await api.call('POST', `/domains/${claim.body.id}/verify`)).body.check.lookupError, null);
  });

  it('reports a DNS failure as a failed check, not a 500', async () => {
    const claim = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'servfail.example' } });
    dns.set(claim.body.dnsRecord.name, 'ESERVFAIL');
    const res = await api.call('POST', `/domains/${claim.body.id}/verify`);
    assert.equal(res.status, 200);
    assert.equal(res.body.check.matched, false);
    assert.equal(res.body.check.lookupError, 'ESERVFAIL');
    assert.match(res.body.check.message, /try again/);
  });

  it('lets the operator verify a domain without DNS', async () => {
    const claim = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'operator.example' } });
    const res = await api.call('POST', `/domains/${claim.body.id}/operator-verify`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'verified');
    assert.equal(res.body.verifiedBy, 'operator');
  });

  it('refuses operator verification by an organization admin (403 on its own domain)', async () => {
    const token = await api.orgAdminToken(orgA.orgId);
    const claim = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'self-vouched.example' }, token });
    assert.equal(claim.status, 201);
    const res = await api.call('POST', `/domains/${claim.body.id}/operator-verify`, { token });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'forbidden');
    assert.equal((await api.call('GET', `/domains/${claim.body.id}`)).body.status, 'pending');
  });

  it('removes a domain, freeing the name', async () => {
    const claim = await api.call('POST', `/directories/${orgA.directoryId}/domains`, { body: { name: 'temporary.example' } });
    assert.equal((await api.call('DELETE', `/domains/${claim.body.id}`)).status, 204);
    assert.equal((await api.call('GET', `/domains/${claim.body.id}`)).status, 404);
    assert.equal((await api.call('DELETE', `/domains/${claim.body.id}`)).status, 404);
    assert.equal((await api.call('POST', `/directories/${orgB.directoryId}/domains`, { body: { name: 'temporary.example' } })).status, 201);
  });

  it('answers 404 for unknown domains and directories', async () => {
    assert.equal((await api.call('POST', '/domains/missing/verify')).status, 404);
    assert.equal((await api.call('POST', '/directories/missing/domains', { body: { name: 'x.example' } })).status, 404);
  });
});

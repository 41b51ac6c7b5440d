/**
 * Domains a directory claims for its users' email addresses. A claim proves control through a DNS
 * TXT record, or is vouched for by the operator; only verified domains let JIT create users.
 * Several directories may hold a pending claim of one name (so nobody can squat a district's
 * domain by claiming it first); the first to verify owns it, and the others' claims go.
 */
import { DomainNameError, normalizeDomainName } from '../../identity/domain-name';
import type { Domain, DomainVerifiedBy } from '../../store/model';
import { StoreConflictError } from '../../store/errors';
import type { DomainVerification } from '../../store/port';
import type { Actor } from '../auth';
import { recordAdminChange } from './audit';
import type { AdminDeps, CallMeta } from './deps';
import { AdminError, invalidInput, notFound } from './errors';
import { requireOperator, visibleDirectory, visibleDomain } from './scope';

export const CHALLENGE_LABEL = '_launchgate-challenge';
export const CHALLENGE_PREFIX = 'launchgate-domain-verification=';

export interface DnsRecord {
  type: 'TXT';
  name: string;
  value: string;
}

/** A domain with the TXT record its admin has to publish. */
export interface DomainView extends Domain {
  dnsRecord: DnsRecord;
}

export function challengeRecord(domain: Pick<Domain, 'name' | 'verificationToken'>): DnsRecord {
  return { type: 'TXT', name: `${CHALLENGE_LABEL}.${domain.name}`, value: `${CHALLENGE_PREFIX}${domain.verificationToken}` };
}

function view(domain: Domain): DomainView {
  return { ...domain, dnsRecord: challengeRecord(domain) };
}

export async function listDomains(deps: AdminDeps, actor: Actor, directoryId: string): Promise<DomainView[]> {
  await visibleDirectory(deps, actor, directoryId);
  return (await deps.store.listDomains({ directoryId })).map(view);
}

export async function getDomain(deps: AdminDeps, actor: Actor, domainId: string): Promise<DomainView> {
  return view(await visibleDomain(deps, actor, domainId));
}

export async function claimDomain(deps: AdminDeps, actor: Actor, directoryId: string, input: { name: string }, meta?: CallMeta): Promise<DomainView> {
  const directory = await visibleDirectory(deps, actor, directoryId);
  let name: string;
  try {
    name = normalizeDomainName(input.name);
  } catch (error) {
    if (error instanceof DomainNameError) throw invalidInput(error.message, 'name');
    throw error;
  }
  let domain: Domain;
  try {
    // Pending claims of a name coexist, so claiming first blocks nobody: only verifying decides.
    domain = await deps.store.claimDomain({ orgId: directory.orgId, directoryId, name, verificationToken: deps.newSecret() });
  } catch (error) {
    if (error instanceof StoreConflictError && error.code === 'domain_taken') {
      const own = (await deps.store.listDomains({ directoryId })).some((d) => d.name === name);
      // Which organization holds it is not said: that would leak another customer's name.
      throw new AdminError(
        'conflict',
        own ? `This directory already claims "${name}".` : `The domain "${name}" is already verified by another directory.`,
        'name',
      );
    }
    throw error;
  }
  await recordAdminChange(deps, actor, { action: 'domain.claimed', orgId: directory.orgId, directoryId, detail: { domain: name } }, meta);
  return view(domain);
}

export interface DnsCheck {
  recordName: string;
  expectedValue: string;
  /** Every TXT value found at the record name, chunks joined. */
  found: string[];
  matched: boolean;
  /** A DNS failure other than "no such record" (e.g. SERVFAIL, timeout): the check could not be made. */
  lookupError: string | null;
  message: string;
}

export interface VerifyResult {
  domain: DomainView;
  check: DnsCheck;
}

/** "No such name" and "no TXT record" mean nothing was published yet, not that DNS failed. */
const NOTHING_PUBLISHED = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'NOTFOUND']);

async function lookUp(deps: AdminDeps, recordName: string): Promise<{ found: string[]; lookupError: string | null }> {
  try {
    const records = await deps.resolveTxt(recordName);
    return { found: records.map((chunks) => chunks.join('')), lookupError: null };
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && NOTHING_PUBLISHED.has(code)) return { found: [], lookupError: null };
    return { found: [], lookupError: typeof code === 'string' ? code : 'lookup_failed' };
  }
}

function describe(check: Omit<DnsCheck, 'message'>): string {
  if (check.matched) return `Found the expected TXT record at ${check.recordName}.`;
  if (check.lookupError !== null) {
    return `The DNS lookup of ${check.recordName} failed (${check.lookupError}); try again in a few minutes.`;
  }
  if (check.found.length === 0) {
    return `No TXT record found at ${check.recordName}. Publish "${check.expectedValue}" there; DNS changes can take a while to appear.`;
  }
  return `TXT records were found at ${check.recordName}, but none is "${check.expectedValue}".`;
}

/** Whoever removed another directory's claim: the verification did, not a person of that organization. */
const SUPERSEDING_ACTOR: Actor = { kind: 'operator', id: 'launchgate' };

/**
 * Verifies the claim; the store removes the other directories' pending claims of the name in the
 * same step, and each removal is recorded in the audit log of the organization that lost it
 * (without naming the winner). A name another directory verified first is a conflict.
 */
async function markVerified(deps: AdminDeps, actor: Actor, domain: Domain, method: DomainVerifiedBy, meta?: CallMeta): Promise<Domain> {
  let result: DomainVerification | null;
  try {
    result = await deps.store.markDomainVerified(domain.id, method, deps.now());
  } catch (error) {
    if (error instanceof StoreConflictError && error.code === 'domain_taken') {
      throw new AdminError('conflict', `The domain "${domain.name}" is already verified by another directory; this claim cannot be verified.`, 'name');
    }
    throw error;
  }
  if (result === null) throw notFound('domain', domain.id);
  const verified = result.domain;
  await recordAdminChange(
    deps,
    actor,
    { action: 'domain.verified', orgId: verified.orgId, directoryId: verified.directoryId, detail: { domain: verified.name, method } },
    meta,
  );
  for (const lost of result.removed) {
    await recordAdminChange(
      deps,
      SUPERSEDING_ACTOR,
      { action: 'domain.superseded', orgId: lost.orgId, directoryId: lost.directoryId, detail: { domain: lost.name, reason: 'verified by another directory' } },
      meta,
    );
  }
  return verified;
}

export async function verifyDomainByDns(deps: AdminDeps, actor: Actor, domainId: string, meta?: CallMeta): Promise<VerifyResult> {
  let domain = await visibleDomain(deps, actor, domainId);
  const record = challengeRecord(domain);
  const { found, lookupError } = await lookUp(deps, record.name);
  const matched = found.includes(record.value);
  const check = { recordName: record.name, expectedValue: record.value, found, matched, lookupError };
  if (matched && domain.status !== 'verified') {
    domain = await markVerified(deps, actor, domain, 'dns', meta);
  }
  return { domain: view(domain), check: { ...check, message: describe(check) } };
}

export async function verifyDomainByOperator(deps: AdminDeps, actor: Actor, domainId: string, meta?: CallMeta): Promise<DomainView> {
  const domain = await visibleDomain(deps, actor, domainId);
  requireOperator(actor, 'verify a domain without DNS');
  if (domain.status === 'verified') return view(domain);
  return view(await markVerified(deps, actor, domain, 'operator', meta));
}

export async function removeDomain(deps: AdminDeps, actor: Actor, domainId: string, meta?: CallMeta): Promise<void> {
  const domain = await visibleDomain(deps, actor, domainId);
  if (!(await deps.store.deleteDomain(domainId))) throw notFound('domain', domainId);
  await recordAdminChange(
    deps,
    actor,
    { action: 'domain.removed', orgId: domain.orgId, directoryId: domain.directoryId, detail: { domain: domain.name, status: domain.status } },
    meta,
  );
}

/**
 * Gathers the facts for a launch, asks `decide()`, and applies the plan through the store's atomic
 * operations. Where two launches race (the same new person twice, the last free seats), the store's
 * answer wins over the plan: a lost race becomes `existing_license` or `no_seats`, never a second
 * user or an extra license.
 */
import { DomainNameError, normalizeDomainName } from '../identity/domain-name';
import {
  emailDomain,
  normalizeEmail,
  tenantKeyString,
  describeTenant,
  type LaunchIdentity,
} from '../identity/launch-identity';
import type { Connection, Directory, License, User } from '../store/model';
import type { Store, UserProfile } from '../store/port';
import { decide, type LaunchFacts, type MatchedBy } from './decide';
import type { Product } from './product';
import type { AllowedReason, RefusalReason } from './reasons';

export interface ProvisionDeps {
  store: Store;
  now: () => Date;
}

export interface LaunchMeta {
  requestId: string | null;
}

export interface LaunchOutcome {
  decision: 'allowed' | 'refused';
  reason: AllowedReason | RefusalReason;
  user: User | null;
  connection: Connection | null;
  directory: Directory | null;
  license: License | null;
  matchedBy: MatchedBy;
  auditEventId: string;
}

/** A race the store resolved differently from the plan; the launch is decided again from fresh facts. */
class LostRace extends Error {}

const MAX_ATTEMPTS = 3;

export async function provision(deps: ProvisionDeps, identity: LaunchIdentity, product: Product, meta: LaunchMeta): Promise<LaunchOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptProvision(deps, identity, product, meta);
    } catch (err) {
      if (!(err instanceof LostRace) || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

export async function gatherFacts(store: Store, identity: LaunchIdentity, product: Product): Promise<LaunchFacts> {
  const connection = await store.findConnectionByTenantKey(tenantKeyString(identity.tenant));
  const linked = connection !== null && connection.status === 'linked' && connection.directoryId !== null;
  const directory = linked ? await store.getDirectory(connection.directoryId!) : null;
  const email = normalizeEmail(identity.email) ?? null;
  const facts: LaunchFacts = {
    connection,
    directory,
    email,
    domain: null,
    userBySubject: null,
    userByEmail: null,
    license: null,
    product,
    hasEntitlement: false,
  };
  if (connection === null || directory === null) return facts;

  const domainName = email !== null ? claimableDomainOf(email) : null;
  const [domain, userBySubject, entitlement] = await Promise.all([
    domainName !== null ? store.findDomainByName(domainName) : Promise.resolve(null),
    store.findUserByExternalIdentity(connection.id, identity.subject),
    store.getEntitlement(directory.orgId, product.id),
  ]);
  facts.domain = domain !== null && domain.directoryId === directory.id ? domain : null;
  facts.userBySubject = userBySubject;
  facts.hasEntitlement = entitlement !== null;
  const emailTrusted = email !== null && connection.trustEmail && facts.domain?.status === 'verified';
  if (userBySubject === null && emailTrusted) {
    facts.userByEmail = await store.findUserByEmail(directory.id, email);
  }
  const matched = userBySubject ?? facts.userByEmail;
  if (matched !== null) facts.license = await store.getLicense(matched.id, product.id);
  return facts;
}

/**
 * The email's domain the way claims are stored (lower-case IDNA): `ada@bücher.example` must find
 * the claim of `BÜCHER.example`, stored as `xn--bcher-kva.example`. A domain that is no valid name
 * can have no claim.
 */
function claimableDomainOf(email: string): string | null {
  try {
    return normalizeDomainName(emailDomain(email));
  } catch (err) {
    if (err instanceof DomainNameError) return null;
    throw err;
  }
}

function profileOf(identity: LaunchIdentity): Omit<UserProfile, 'email'> {
  return {
    givenName: identity.givenName ?? null,
    familyName: identity.familyName ?? null,
    displayName: identity.displayName ?? ([identity.givenName, identity.familyName].filter(Boolean).join(' ') || null),
    roles: identity.roles,
    rawRoles: identity.rawRoles,
  };
}

async function attemptProvision(deps: ProvisionDeps, identity: LaunchIdentity, product: Product, meta: LaunchMeta): Promise<LaunchOutcome> {
  const { store } = deps;
  const now = deps.now();
  const facts = await gatherFacts(store, identity, product);
  const plan = decide(facts);
  const { connection, directory } = facts;
  const matchedBy: MatchedBy = facts.userBySubject !== null ? 'subject' : plan.linkIdentity ? 'email' : 'none';

  let user = plan.user;
  let decision: 'allowed' | 'refused' = plan.outcome;
  let reason: AllowedReason | RefusalReason = plan.reason;
  let license: License | null = facts.license;
  let userCreatedHere = false;
  const detail: Record<string, unknown> = { tenant: describeTenant(identity.tenant), matchedBy, roles: identity.roles };

  if (connection !== null && directory !== null) {
    const externalIdentity = { connectionId: connection.id, partner: identity.partner, subject: identity.subject };

    if (plan.createUser) {
      const created = await createJitUser(store, identity, facts, connection, directory, now, detail);
      user = created.user;
      userCreatedHere = created.created;
      // Another launch of the same person created them first: this launch licenses a known user.
      if (!created.created) reason = 'license_assigned';
      if (user.status === 'blocked') {
        decision = 'refused';
        reason = 'user_blocked';
      }
    } else if (user !== null) {
      if (plan.linkIdentity) {
        const linked = await store.linkExternalIdentity(user.id, externalIdentity);
        if (!linked.linked && linked.userId !== user.id) throw new LostRace();
      }
      user = (await store.updateUserProfile(user.id, profileOf(identity), now)) ?? user;
    }

    if (decision === 'allowed' && plan.outcome === 'allowed' && plan.assignLicense && user !== null) {
      const result = await store.assignLicense({
        userId: user.id,
        orgId: directory.orgId,
        directoryId: directory.id,
        productId: product.id,
        source: 'jit',
      });
      switch (result.outcome) {
        case 'assigned':
          license = result.license;
          break;
        case 'exists':
          // Another launch of the same person licensed them first. If this launch created the
          // user, that is still what it did; otherwise the user simply already had a license.
          license = result.license;
          if (!userCreatedHere) reason = 'existing_license';
          break;
        case 'no_seats':
        case 'no_entitlement':
          decision = 'refused';
          reason = result.outcome;
          break;
      }
    }
  }

  // An address outside this directory's verified domains is not the organization's to keep: its
  // admins see the domain (what they would have to claim) and the partner's subject, not the person.
  const foreignEmail = reason === 'domain_not_claimed' && facts.email !== null;
  if (foreignEmail) detail.emailDomain = emailDomain(facts.email!);
  const event = await store.appendAudit({
    time: now,
    kind: 'launch',
    orgId: directory?.orgId ?? connection?.orgId ?? null,
    directoryId: directory?.id ?? null,
    connectionId: connection?.id ?? null,
    partner: identity.partner,
    subject: identity.subject,
    email: foreignEmail ? null : facts.email,
    userId: user?.id ?? null,
    productId: product.id,
    decision,
    reason,
    requestId: meta.requestId,
    actor: null,
    detail,
  });
  return { decision, reason, user, connection, directory, license: decision === 'allowed' ? license : null, matchedBy, auditEventId: event.id };
}

/**
 * Creates the user for a first launch. If another launch of the same person won the race, that
 * user is used (with this launch's names and roles). If the email already belongs to another user
 * of the directory and this connection does not trust emails, the person is kept apart: a separate
 * user without the address attached, unless that user is blocked: a block must not be stepped
 * around by arriving through another portal, so the launch is refused and nobody is created.
 */
async function createJitUser(
  store: Store,
  identity: LaunchIdentity,
  facts: LaunchFacts,
  connection: Connection,
  directory: Directory,
  now: Date,
  detail: Record<string, unknown>,
): Promise<{ user: User; created: boolean }> {
  const externalIdentity = { connectionId: connection.id, partner: identity.partner, subject: identity.subject };
  const base = { orgId: directory.orgId, directoryId: directory.id, createdBy: 'jit' as const, lastLaunchAt: now, ...profileOf(identity) };
  const first = await store.createUser({ ...base, email: facts.email }, externalIdentity);
  if (first.created) return { user: first.user, created: true };

  const owner = await store.findUserByExternalIdentity(connection.id, identity.subject);
  if (owner !== null) return { user: (await store.updateUserProfile(owner.id, profileOf(identity), now)) ?? owner, created: false };
  // The email belongs to someone else in this directory.
  if (connection.trustEmail) {
    // They arrived through another connection while this launch was deciding: same person, link.
    const linked = await store.linkExternalIdentity(first.user.id, externalIdentity);
    if (!linked.linked && linked.userId !== first.user.id) throw new LostRace();
    detail.matchedBy = 'email';
    return { user: (await store.updateUserProfile(first.user.id, profileOf(identity), now)) ?? first.user, created: false };
  }
  if (first.user.status === 'blocked') {
    // The caller refuses with user_blocked; no identity is linked and nobody is created.
    detail.emailOwnerBlocked = true;
    return { user: first.user, created: false };
  }
  detail.emailKeptApart = true;
  const apart = await store.createUser({ ...base, email: null }, externalIdentity);
  return { user: apart.user, created: apart.created };
}

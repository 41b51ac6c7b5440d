/**
 * The JIT decision, as a pure function of facts gathered from the store. "What happens when JIT is
 * off" is answered here and nowhere else. The order of the checks is the order an admin reads them
 * in the refusal list: tenant, then person, then policy, then seats.
 */
import type { Connection, Directory, Domain, License, User } from '../store/model';
import type { Product } from './product';
import type { AllowedReason, RefusalReason } from './reasons';

export interface LaunchFacts {
  /** The connection the launch's tenant key belongs to, if any. */
  connection: Connection | null;
  /** The directory that connection is linked to. */
  directory: Directory | null;
  /** The normalized email the partner sent, if any. */
  email: string | null;
  /** The domain record for the email's domain when it is claimed by *this* directory. */
  domain: Domain | null;
  /** The user already known by (connection, subject). */
  userBySubject: User | null;
  /** The directory's user with this email (only looked up when email trust applies). */
  userByEmail: User | null;
  /** The matched user's license for the product. */
  license: License | null;
  product: Product;
  /** Whether the organization holds an entitlement for the product at all. */
  hasEntitlement: boolean;
}

export type MatchedBy = 'subject' | 'email' | 'none';

export type LaunchPlan =
  | { outcome: 'refused'; reason: RefusalReason; user: User | null; createUser: boolean; linkIdentity: boolean }
  | {
      outcome: 'allowed';
      reason: AllowedReason;
      user: User | null;
      /** Create the user (JIT) before licensing. */
      createUser: boolean;
      /** Record (connection, subject) on a user matched by email. */
      linkIdentity: boolean;
      /** Ask the store for a seat; the store may still answer no_seats under a race. */
      assignLicense: boolean;
    };

function refuse(reason: RefusalReason, user: User | null = null, linkIdentity = false): LaunchPlan {
  return { outcome: 'refused', reason, user, createUser: false, linkIdentity };
}

/** The user's domain is claimed and verified in the directory the connection is linked to. */
function domainVerifiedHere(facts: LaunchFacts): boolean {
  return facts.domain !== null && facts.domain.status === 'verified' && facts.directory !== null && facts.domain.directoryId === facts.directory.id;
}

export function decide(facts: LaunchFacts): LaunchPlan {
  const { connection, directory } = facts;
  if (connection === null || connection.status !== 'linked' || directory === null) return refuse('connection_not_linked');
  if (!connection.enabled) return refuse('connection_disabled');

  // A person the connection already knows keeps their access whatever their email says now.
  let user = facts.userBySubject;
  let linkIdentity = false;
  if (user === null) {
    if (facts.email === null) return refuse('email_missing');
    if (!domainVerifiedHere(facts)) return refuse('domain_not_claimed');
    if (connection.trustEmail && facts.userByEmail !== null) {
      user = facts.userByEmail;
      linkIdentity = true;
    }
  }

  if (user !== null) {
    if (user.status === 'blocked') return refuse('user_blocked', user, linkIdentity);
    if (facts.license !== null) {
      return { outcome: 'allowed', reason: 'existing_license', user, createUser: false, linkIdentity, assignLicense: false };
    }
    // An existing user without a license gets one only on the same terms a new user would.
    if (facts.email === null) return refuse('email_missing', user, linkIdentity);
    if (!domainVerifiedHere(facts)) return refuse('domain_not_claimed', user, linkIdentity);
  }

  const jitRefusal = jitPolicyRefusal(facts, directory);
  if (jitRefusal !== null) return refuse(jitRefusal, user, linkIdentity);

  if (user !== null) {
    return { outcome: 'allowed', reason: 'license_assigned', user, createUser: false, linkIdentity, assignLicense: true };
  }
  return { outcome: 'allowed', reason: 'user_created', user: null, createUser: true, linkIdentity: false, assignLicense: true };
}

function jitPolicyRefusal(facts: LaunchFacts, directory: Directory): RefusalReason | null {
  if (!directory.jitEnabled) return 'jit_disabled';
  if (!facts.product.jitEligible) return 'product_not_jit_eligible';
  if (!facts.hasEntitlement) return 'no_entitlement';
  return null;
}

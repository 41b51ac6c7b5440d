/**
 * The same promises hold for Clever and ClassLink; these adapters let one test list run against
 * both simulators: make a partner tenant, a user in it, and know what LaunchGate should record.
 */
import type { ConnectionSettings } from '../../src/store/model';
import type { OAuthSimulator } from '../../partners/oauth/simulator-core';
import type { OAuthWorld } from './world';

/** Only the simulators: tests with a hand-built LaunchGate use these too. */
export type Sims = Pick<OAuthWorld, 'clever' | 'classlink'>;

export interface PartnerUnderTest {
  partner: 'clever' | 'classlink';
  label: string;
  sim(w: Sims): OAuthSimulator<{ id: string }>;
  /** A new district / tenant at the partner, and the connection settings that name it. */
  newTenant(w: Sims): { tenant: string; settings: ConnectionSettings };
  /** A student in that tenant; returns the partner's user id (LaunchGate's subject). */
  addUser(w: Sims, tenant: string, user: { email?: string; first?: string; last?: string }): string;
}

let classlinkTenant = 700;

export const CLEVER: PartnerUnderTest = {
  partner: 'clever',
  label: 'Clever',
  sim: (w) => w.clever,
  newTenant(w) {
    const district = w.clever.addDistrict({ name: 'Lincoln Unified (#DEMO)' });
    return { tenant: district.id, settings: { partner: 'clever', districtId: district.id } };
  },
  addUser(w, tenant, user) {
    return w.clever.addUser({
      district: tenant,
      roles: { student: { school: 'school-1', grade: '7' } },
      name: { first: user.first ?? 'Ada', last: user.last ?? 'Lovelace' },
      ...(user.email !== undefined ? { email: user.email } : {}),
    }).id;
  },
};

export const CLASSLINK: PartnerUnderTest = {
  partner: 'classlink',
  label: 'ClassLink',
  sim: (w) => w.classlink,
  newTenant() {
    const tenantId = classlinkTenant++;
    return { tenant: String(tenantId), settings: { partner: 'classlink', tenantId: String(tenantId) } };
  },
  addUser(w, tenant, user) {
    return w.classlink.addUser({
      TenantId: Number(tenant),
      Role: 'Student',
      Email: user.email ?? '',
      FirstName: user.first ?? 'Ada',
      LastName: user.last ?? 'Lovelace',
    }).id;
  },
};

export const BOTH = [CLEVER, CLASSLINK];

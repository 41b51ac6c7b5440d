/**
 * The sandbox's pretend world, as fixed values: three districts (two linked to the demo
 * organization, one not), and what each partner calls them. The values are derived, not random, so
 * the seeded connections in a kept DATA_DIR still match the simulators after a restart.
 */
import { createHash } from 'node:crypto';
import type { Partner, TenantKey } from '../identity/launch-identity';

export const SANDBOX_ORGANIZATION = 'Sandbox County Schools';
export const SANDBOX_SEATS = 5;

export const DISTRICT_KEYS = ['lincoln', 'roosevelt', 'jefferson'] as const;
export type DistrictKey = (typeof DISTRICT_KEYS)[number];
export type LinkedDistrictKey = Exclude<DistrictKey, 'jefferson'>;
export const LINKED_DISTRICTS: readonly LinkedDistrictKey[] = ['lincoln', 'roosevelt'];

export interface District {
  key: DistrictKey;
  name: string;
  /** Email domain of its people; claimed and verified in its directory when linked. */
  domain: string;
  /** null: the district is not linked to any directory (its launches are refused). */
  jitEnabled: boolean | null;
}

export const DISTRICTS: Record<DistrictKey, District> = {
  lincoln: { key: 'lincoln', name: 'Lincoln Unified', domain: 'lincoln.k12.example', jitEnabled: true },
  roosevelt: { key: 'roosevelt', name: 'Roosevelt Charter', domain: 'roosevelt.k12.example', jitEnabled: false },
  jefferson: { key: 'jefferson', name: 'Jefferson County (not linked)', domain: 'jefferson.k12.example', jitEnabled: null },
};

export function isDistrictKey(value: unknown): value is DistrictKey {
  return typeof value === 'string' && (DISTRICT_KEYS as readonly string[]).includes(value);
}

/** A stable hex digest of the parts: how every sandbox id is made. */
export function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * One simulated Canvas for the county, with one install (deployment) per district. The issuer is a
 * fixed name rather than the simulator's address, whose port changes at every start.
 */
export const CANVAS_ISSUER = 'https://canvas.sandbox.example';
export const CANVAS_CLIENT_ID = '10000000000001';

export function canvasDeploymentId(district: DistrictKey): string {
  return `${DISTRICT_KEYS.indexOf(district) + 1}:${digest('canvas-deployment', district).slice(0, 40)}`;
}

/** Clever district ids are 24-hex-digit ObjectIds. */
export function cleverDistrictId(district: DistrictKey): string {
  return digest('clever-district', district).slice(0, 24);
}

/** ClassLink tenant ids are small numbers. */
export function classlinkTenantId(district: DistrictKey): number {
  return 4100 + DISTRICT_KEYS.indexOf(district);
}

export function tenantKey(partner: Partner, district: DistrictKey): TenantKey {
  switch (partner) {
    case 'canvas':
      return { partner, issuer: CANVAS_ISSUER, clientId: CANVAS_CLIENT_ID, deploymentId: canvasDeploymentId(district) };
    case 'clever':
      return { partner, districtId: cleverDistrictId(district) };
    case 'classlink':
      return { partner, tenantId: String(classlinkTenantId(district)) };
  }
}

export const PARTNER_NAMES: Record<Partner, string> = { canvas: 'Canvas', clever: 'Clever', classlink: 'ClassLink' };

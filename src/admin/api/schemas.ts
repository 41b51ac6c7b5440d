/**
 * The shapes the admin API accepts. Every object is strict (an unknown field is an error, not
 * silently dropped), every string is trimmed and bounded, and nothing but a string is accepted
 * where a string is expected, so `{"$gt": ""}`-style values never reach a store query.
 * Meaning (is this a domain, an https URL, a known product?) is checked by the services.
 */
import { z } from 'zod';
import { PARTNERS } from '../../identity/launch-identity';
import { AUDIT_REASONS } from '../services/audit';
import { MAX_DEPLOYMENT_IDS } from '../services/connections';
import { MAX_SEATS } from '../services/organizations';

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).optional();

const ID = text(128);
const NAME = text(200);
const URL_TEXT = text(2048);

// --- Bodies

/** For actions that take no input: no body, or an empty object. */
export const emptyBody = z.object({}).strict().optional();

export const createApiTokenBody = z.object({ name: text(100) }).strict();

export const createOrganizationBody = z.object({ name: NAME }).strict();

export const setEntitlementBody = z.object({ seats: z.number().int().min(0).max(MAX_SEATS).nullable() }).strict();

export const createDirectoryBody = z.object({ name: NAME, jitEnabled: z.boolean().optional() }).strict();

export const updateDirectoryBody = z
  .object({ name: NAME.optional(), jitEnabled: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'must name at least one field to change (name, jitEnabled).' });

export const claimDomainBody = z.object({ name: text(300) }).strict();

const connectionCommon = {
  enabled: z.boolean().optional(),
  trustEmail: z.boolean().optional(),
  label: z.string().trim().max(200).nullable().optional(),
};
const deploymentIds = z.array(text(255)).min(1).max(MAX_DEPLOYMENT_IDS);

export const createConnectionBody = z.discriminatedUnion('partner', [
  z
    .object({
      partner: z.literal('canvas'),
      issuer: URL_TEXT,
      clientId: text(255),
      deploymentIds,
      authEndpoint: URL_TEXT.optional(),
      tokenEndpoint: URL_TEXT.optional(),
      jwksUrl: URL_TEXT.optional(),
      ...connectionCommon,
    })
    .strict(),
  z.object({ partner: z.literal('clever'), districtId: text(255), ...connectionCommon }).strict(),
  z.object({ partner: z.literal('classlink'), tenantId: text(255), ...connectionCommon }).strict(),
]);

export const updateConnectionBody = z
  .object({ deploymentIds: deploymentIds.optional(), ...connectionCommon })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'must name at least one field to change (enabled, trustEmail, deploymentIds, label).' });

/** `claimCode` is required of an organization admin (the code from the registration's done page). */
export const linkConnectionBody = z.object({ directoryId: ID, claimCode: text(100).optional(), deploymentIds: deploymentIds.optional() }).strict();

export const updateUserBody = z.object({ status: z.enum(['active', 'blocked']) }).strict();

export const assignLicenseBody = z
  .object({
    email: text(254),
    productId: text(63),
    givenName: optionalText(100),
    familyName: optionalText(100),
  })
  .strict();

// --- Queries (values arrive as strings; a repeated parameter arrives as an array and is refused)

const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, { message: 'must be a whole number.' })
    .transform(Number)
    .pipe(z.number().min(min).max(max))
    .optional()
    .transform((n) => n ?? fallback);

const paging = {
  limit: wholeNumber(1, 200, 50),
  offset: wholeNumber(0, 1_000_000_000, 0),
};

/** A date, or a date and time with a zone: a time without a zone would depend on the server's. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const isoDate = z
  .string()
  .trim()
  .max(40)
  .refine((s) => ISO_DATE.test(s) && !Number.isNaN(Date.parse(s)), { message: 'must be an ISO 8601 date, e.g. 2025-01-31 or 2025-01-31T12:00:00Z.' })
  .transform((s) => new Date(s));

export const noQuery = z.object({}).strict();

export const usersQuery = z
  .object({ search: optionalText(200), status: z.enum(['active', 'blocked']).optional(), ...paging })
  .strict();

export const connectionsQuery = z.object({ status: z.enum(['linked', 'pending']).optional(), partner: z.enum(PARTNERS).optional() }).strict();

export const auditQuery = z
  .object({
    kind: z.enum(['launch', 'admin']).optional(),
    decision: z.enum(['allowed', 'refused']).optional(),
    reason: z.enum(AUDIT_REASONS).optional(),
    partner: z.enum(PARTNERS).optional(),
    directoryId: ID.optional(),
    userId: ID.optional(),
    since: isoDate.optional(),
    until: isoDate.optional(),
    ...paging,
  })
  .strict();

/** The operator's view across organizations: `org` is one organization's id, or `none` for events of no organization. */
export const deploymentAuditQuery = auditQuery.extend({ org: ID.optional() }).strict();

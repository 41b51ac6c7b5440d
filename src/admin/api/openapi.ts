/**
 * The OpenAPI 3.1 description of the admin API, served at /api/v1/openapi.json. Written by hand;
 * a test checks that every route the router registers is described here.
 */
import { PARTNERS } from '../../identity/launch-identity';
import { AUDIT_REASONS } from '../services/audit';
import { CANVAS_CLOUD_ENDPOINTS, MAX_DEPLOYMENT_IDS } from '../services/connections';
import { MAX_SEATS } from '../services/organizations';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string): Json => ({ $ref: `#/components/parameters/${name}` });
const jsonContent = (schema: Json): Json => ({ 'application/json': { schema } });
const ok = (description: string, schema: Json): Json => ({ description, content: jsonContent(schema) });
const body = (schema: Json, required = true): Json => ({ required, content: jsonContent(schema) });
const listOf = (item: string): Json => ({
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: ref(item) } },
});
const pageOf = (item: string): Json => ({
  type: 'object',
  required: ['items', 'total', 'limit', 'offset'],
  properties: {
    items: { type: 'array', items: ref(item) },
    total: { type: 'integer', description: 'Matching records across all pages.' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
  },
});

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'BadRequest',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'NotFound',
  '409': 'Conflict',
  '413': 'PayloadTooLarge',
  '415': 'UnsupportedMediaType',
};

/** Every authenticated operation can answer 401 and 404; those taking input also 400. */
function errors(...statuses: string[]): Json {
  const all = ['401', '404', ...statuses];
  return Object.fromEntries(all.map((s) => [s, { $ref: `#/components/responses/${ERROR_RESPONSES[s]}` }]));
}
const bodyErrors = ['400', '413', '415'];

interface Operation {
  operationId: string;
  summary: string;
  tag: string;
  parameters?: Json[];
  requestBody?: Json;
  responses: Json;
  description?: string;
}

function op(o: Operation): Json {
  return {
    operationId: o.operationId,
    summary: o.summary,
    ...(o.description && { description: o.description }),
    tags: [o.tag],
    ...(o.parameters && { parameters: o.parameters }),
    ...(o.requestBody && { requestBody: o.requestBody }),
    responses: o.responses,
  };
}

const noContent = { '204': { description: 'Done.' } };
const string = (extra: Json = {}): Json => ({ type: 'string', ...extra });
const nullable = (schema: Json): Json => ({ oneOf: [schema, { type: 'null' }] });
const dateTime = string({ format: 'date-time' });
const httpsUrl = string({ format: 'uri', maxLength: 2048, description: 'https (plain http only for localhost and 127.0.0.1).' });

const schemas: Record<string, Json> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: {
            type: 'string',
            enum: [
              'not_found',
              'invalid_input',
              'invalid_json',
              'unsupported_media_type',
              'payload_too_large',
              'conflict',
              'forbidden',
              'unauthorized',
              'no_seats',
              'no_entitlement',
              'store_unavailable',
              'internal_error',
            ],
          },
          message: { type: 'string', description: 'For people; do not parse.' },
          field: { type: 'string', description: 'The request field at fault, as a dotted path.' },
        },
      },
    },
  },
  Product: {
    type: 'object',
    required: ['id', 'name', 'launchUrl', 'jitEligible'],
    properties: { id: string(), name: string(), launchUrl: string({ format: 'uri' }), jitEligible: { type: 'boolean' } },
  },
  Organization: {
    type: 'object',
    required: ['id', 'name', 'createdAt'],
    properties: { id: string(), name: string(), createdAt: dateTime },
  },
  Entitlement: {
    type: 'object',
    required: ['orgId', 'productId', 'productName', 'seats', 'seatsUsed', 'createdAt', 'updatedAt'],
    properties: {
      orgId: string(),
      productId: string(),
      productName: string(),
      seats: nullable({ type: 'integer', minimum: 0, description: 'null: unlimited.' }),
      seatsUsed: { type: 'integer', description: 'Licenses held now.' },
      createdAt: dateTime,
      updatedAt: dateTime,
    },
  },
  Directory: {
    type: 'object',
    required: ['id', 'orgId', 'name', 'jitEnabled', 'createdAt', 'updatedAt'],
    properties: { id: string(), orgId: string(), name: string(), jitEnabled: { type: 'boolean' }, createdAt: dateTime, updatedAt: dateTime },
  },
  DnsRecord: {
    type: 'object',
    required: ['type', 'name', 'value'],
    properties: {
      type: { const: 'TXT' },
      name: string({ description: '`_launchgate-challenge.<domain>`' }),
      value: string({ description: '`launchgate-domain-verification=<token>`' }),
    },
  },
  Domain: {
    type: 'object',
    required: ['id', 'orgId', 'directoryId', 'name', 'status', 'verificationToken', 'verifiedAt', 'verifiedBy', 'createdAt', 'dnsRecord'],
    properties: {
      id: string(),
      orgId: string(),
      directoryId: string(),
      name: string({ description: 'Lower-case IDNA (punycode) form.' }),
      status: { type: 'string', enum: ['pending', 'verified'] },
      verificationToken: string(),
      verifiedAt: nullable(dateTime),
      verifiedBy: nullable({ type: 'string', enum: ['dns', 'operator'] }),
      createdAt: dateTime,
      dnsRecord: ref('DnsRecord'),
    },
  },
  DnsCheck: {
    type: 'object',
    required: ['recordName', 'expectedValue', 'found', 'matched', 'lookupError', 'message'],
    properties: {
      recordName: string(),
      expectedValue: string(),
      found: { type: 'array', items: string(), description: 'TXT values found at recordName, chunks joined.' },
      matched: { type: 'boolean' },
      lookupError: nullable(string({ description: 'DNS failure other than "no record", e.g. ESERVFAIL.' })),
      message: string(),
    },
  },
  VerifyResult: {
    type: 'object',
    required: ['domain', 'check'],
    properties: { domain: ref('Domain'), check: ref('DnsCheck') },
  },
  CanvasSettings: {
    type: 'object',
    required: ['partner', 'issuer', 'clientId', 'deploymentIds', 'authEndpoint', 'tokenEndpoint', 'jwksUrl'],
    properties: {
      partner: { const: 'canvas' },
      issuer: string(),
      clientId: string(),
      deploymentIds: { type: 'array', items: string() },
      authEndpoint: string(),
      tokenEndpoint: string(),
      jwksUrl: string(),
    },
  },
  CleverSettings: {
    type: 'object',
    required: ['partner', 'districtId'],
    properties: { partner: { const: 'clever' }, districtId: string() },
  },
  ClassLinkSettings: {
    type: 'object',
    required: ['partner', 'tenantId'],
    properties: { partner: { const: 'classlink' }, tenantId: string() },
  },
  Connection: {
    type: 'object',
    required: ['id', 'partner', 'status', 'orgId', 'directoryId', 'settings', 'enabled', 'trustEmail', 'label', 'createdAt', 'updatedAt'],
    properties: {
      id: string(),
      partner: { type: 'string', enum: [...PARTNERS] },
      status: { type: 'string', enum: ['linked', 'pending'] },
      orgId: nullable(string()),
      directoryId: nullable(string()),
      settings: { oneOf: [ref('CanvasSettings'), ref('CleverSettings'), ref('ClassLinkSettings')], discriminator: { propertyName: 'partner' } },
      enabled: { type: 'boolean' },
      trustEmail: { type: 'boolean' },
      label: nullable(string()),
      createdAt: dateTime,
      updatedAt: dateTime,
    },
  },
  User: {
    type: 'object',
    required: ['id', 'orgId', 'directoryId', 'email', 'givenName', 'familyName', 'displayName', 'roles', 'rawRoles', 'status', 'createdBy', 'lastLaunchAt', 'createdAt', 'updatedAt'],
    properties: {
      id: string(),
      orgId: string(),
      directoryId: string(),
      email: nullable(string({ format: 'email' })),
      givenName: nullable(string()),
      familyName: nullable(string()),
      displayName: nullable(string()),
      roles: { type: 'array', items: { type: 'string', enum: ['student', 'teacher', 'admin', 'staff'] } },
      rawRoles: { type: 'array', items: string() },
      status: { type: 'string', enum: ['active', 'blocked'] },
      createdBy: { type: 'string', enum: ['jit', 'admin'] },
      lastLaunchAt: nullable(dateTime),
      createdAt: dateTime,
      updatedAt: dateTime,
    },
  },
  ExternalIdentity: {
    type: 'object',
    required: ['id', 'userId', 'connectionId', 'partner', 'subject', 'createdAt'],
    properties: { id: string(), userId: string(), connectionId: string(), partner: { type: 'string', enum: [...PARTNERS] }, subject: string(), createdAt: dateTime },
  },
  License: {
    type: 'object',
    required: ['id', 'userId', 'orgId', 'directoryId', 'productId', 'source', 'createdAt'],
    properties: {
      id: string(),
      userId: string(),
      orgId: string(),
      directoryId: string(),
      productId: string(),
      source: { type: 'string', enum: ['jit', 'admin'] },
      createdAt: dateTime,
    },
  },
  UserDetail: {
    allOf: [
      ref('User'),
      {
        type: 'object',
        required: ['externalIdentities', 'licenses'],
        properties: { externalIdentities: { type: 'array', items: ref('ExternalIdentity') }, licenses: { type: 'array', items: ref('License') } },
      },
    ],
  },
  AssignLicenseResult: {
    type: 'object',
    required: ['user', 'license', 'userCreated', 'licenseCreated'],
    properties: { user: ref('User'), license: ref('License'), userCreated: { type: 'boolean' }, licenseCreated: { type: 'boolean' } },
  },
  AuditEvent: {
    type: 'object',
    required: ['id', 'time', 'kind', 'reason'],
    properties: {
      id: string(),
      time: dateTime,
      kind: { type: 'string', enum: ['launch', 'admin'] },
      orgId: nullable(string()),
      directoryId: nullable(string()),
      connectionId: nullable(string()),
      partner: nullable({ type: 'string', enum: [...PARTNERS] }),
      subject: nullable(string()),
      email: nullable(string()),
      userId: nullable(string()),
      productId: nullable(string()),
      decision: nullable({ type: 'string', enum: ['allowed', 'refused'] }),
      reason: string({ description: 'A launch reason code, or an admin action such as `domain.verified`.' }),
      requestId: nullable(string()),
      actor: nullable(string({ description: 'Who made an admin change, e.g. `token:<id>`.' })),
      detail: nullable({ type: 'object' }),
    },
  },
  ApiToken: {
    type: 'object',
    required: ['id', 'name', 'role', 'orgId', 'createdAt', 'lastUsedAt', 'revokedAt'],
    properties: {
      id: string(),
      name: string(),
      role: { type: 'string', enum: ['operator', 'org_admin'] },
      orgId: nullable(string()),
      createdAt: dateTime,
      lastUsedAt: nullable(dateTime),
      revokedAt: nullable(dateTime),
    },
  },
  CreatedApiToken: {
    allOf: [
      ref('ApiToken'),
      {
        type: 'object',
        required: ['token'],
        properties: { token: string({ description: 'The token itself. Shown only in this answer; LaunchGate keeps only its hash.' }) },
      },
    ],
  },

  // Request bodies
  CreateApiToken: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: string({ minLength: 1, maxLength: 100, description: 'Where the token is used, e.g. "SIS sync".' }) },
  },
  CreateOrganization: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: string({ minLength: 1, maxLength: 200 }) },
  },
  SetEntitlement: {
    type: 'object',
    additionalProperties: false,
    required: ['seats'],
    properties: { seats: nullable({ type: 'integer', minimum: 0, maximum: MAX_SEATS, description: 'null: unlimited.' }) },
  },
  CreateDirectory: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: string({ minLength: 1, maxLength: 200 }), jitEnabled: { type: 'boolean', default: false } },
  },
  UpdateDirectory: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: { name: string({ minLength: 1, maxLength: 200 }), jitEnabled: { type: 'boolean' } },
  },
  ClaimDomain: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: string({
        minLength: 1,
        maxLength: 300,
        description: 'An exact domain (no wildcards, no IP addresses); internationalized names are stored in punycode.',
      }),
    },
  },
  CreateCanvasConnection: {
    type: 'object',
    additionalProperties: false,
    required: ['partner', 'issuer', 'clientId', 'deploymentIds'],
    properties: {
      partner: { const: 'canvas' },
      issuer: httpsUrl,
      clientId: string({ minLength: 1, maxLength: 255 }),
      deploymentIds: { type: 'array', minItems: 1, maxItems: MAX_DEPLOYMENT_IDS, items: string({ minLength: 1, maxLength: 255 }) },
      authEndpoint: { ...httpsUrl, default: CANVAS_CLOUD_ENDPOINTS.authEndpoint },
      tokenEndpoint: { ...httpsUrl, default: CANVAS_CLOUD_ENDPOINTS.tokenEndpoint },
      jwksUrl: { ...httpsUrl, default: CANVAS_CLOUD_ENDPOINTS.jwksUrl },
      enabled: { type: 'boolean', default: true },
      trustEmail: { type: 'boolean', default: true },
      label: nullable(string({ maxLength: 200 })),
    },
  },
  CreateCleverConnection: {
    type: 'object',
    additionalProperties: false,
    required: ['partner', 'districtId'],
    properties: {
      partner: { const: 'clever' },
      districtId: string({ minLength: 1, maxLength: 255 }),
      enabled: { type: 'boolean', default: true },
      trustEmail: { type: 'boolean', default: true },
      label: nullable(string({ maxLength: 200 })),
    },
  },
  CreateClassLinkConnection: {
    type: 'object',
    additionalProperties: false,
    required: ['partner', 'tenantId'],
    properties: {
      partner: { const: 'classlink' },
      tenantId: string({ minLength: 1, maxLength: 255 }),
      enabled: { type: 'boolean', default: true },
      trustEmail: { type: 'boolean', default: true },
      label: nullable(string({ maxLength: 200 })),
    },
  },
  CreateConnection: {
    oneOf: [ref('CreateCanvasConnection'), ref('CreateCleverConnection'), ref('CreateClassLinkConnection')],
    discriminator: { propertyName: 'partner' },
  },
  UpdateConnection: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      enabled: { type: 'boolean' },
      trustEmail: { type: 'boolean' },
      deploymentIds: { type: 'array', minItems: 1, maxItems: MAX_DEPLOYMENT_IDS, items: string({ minLength: 1, maxLength: 255 }), description: 'Canvas only.' },
      label: nullable(string({ maxLength: 200 })),
    },
  },
  LinkConnection: {
    type: 'object',
    additionalProperties: false,
    required: ['directoryId'],
    properties: {
      directoryId: string({ minLength: 1, maxLength: 128 }),
      claimCode: {
        ...string({ minLength: 1, maxLength: 100 }),
        description:
          'The one-time code the Canvas registration page showed the Canvas admin. Required of an organization admin: without the right one the pending connection answers 404. The operator needs none.',
      },
      deploymentIds: { type: 'array', minItems: 1, maxItems: MAX_DEPLOYMENT_IDS, items: string({ minLength: 1, maxLength: 255 }), description: 'Canvas only: added to those the registration recorded.' },
    },
  },
  UpdateUser: {
    type: 'object',
    additionalProperties: false,
    required: ['status'],
    properties: { status: { type: 'string', enum: ['active', 'blocked'] } },
  },
  AssignLicense: {
    type: 'object',
    additionalProperties: false,
    required: ['email', 'productId'],
    properties: {
      email: string({ format: 'email', maxLength: 254 }),
      productId: string({ minLength: 1, maxLength: 63 }),
      givenName: string({ maxLength: 100 }),
      familyName: string({ maxLength: 100 }),
    },
  },
};

const pathParam = (name: string, description: string): Json => ({ name, in: 'path', required: true, description, schema: string({ maxLength: 128 }) });
const queryParam = (name: string, schema: Json, description?: string): Json => ({ name, in: 'query', required: false, schema, ...(description && { description }) });

const parameters: Record<string, Json> = {
  orgId: pathParam('orgId', 'Organization id.'),
  directoryId: pathParam('directoryId', 'Directory id.'),
  domainId: pathParam('domainId', 'Domain id.'),
  connectionId: pathParam('connectionId', 'Connection id.'),
  userId: pathParam('userId', 'User id.'),
  productId: pathParam('productId', 'Product id, as configured.'),
  tokenId: pathParam('tokenId', 'API token id.'),
  limit: queryParam('limit', { type: 'integer', minimum: 1, maximum: 200, default: 50 }),
  offset: queryParam('offset', { type: 'integer', minimum: 0, default: 0 }),
  search: queryParam('search', string({ maxLength: 200 }), 'Case-insensitive substring of email or names.'),
  userStatus: queryParam('status', { type: 'string', enum: ['active', 'blocked'] }),
};

const errorResponse = (description: string): Json => ({ description, content: jsonContent(ref('Error')) });

/** The filters both audit listings take. */
const auditFilterParams: Json[] = [
  queryParam('kind', { type: 'string', enum: ['launch', 'admin'] }),
  queryParam('decision', { type: 'string', enum: ['allowed', 'refused'] }),
  queryParam('reason', { type: 'string', enum: [...AUDIT_REASONS] }),
  queryParam('partner', { type: 'string', enum: [...PARTNERS] }),
  queryParam('directoryId', string({ maxLength: 128 })),
  queryParam('userId', string({ maxLength: 128 })),
  queryParam('since', string({ format: 'date-time' }), 'Inclusive. ISO 8601 date, or date and time with a zone.'),
  queryParam('until', string({ format: 'date-time' }), 'Exclusive. ISO 8601 date, or date and time with a zone.'),
];

const paths: Record<string, Record<string, Json>> = {
  '/openapi.json': {
    get: {
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      tags: ['meta'],
      security: [],
      responses: { '200': { description: 'The OpenAPI document.', content: { 'application/json': { schema: { type: 'object' } } } } },
    },
  },
  '/products': {
    get: op({ operationId: 'listProducts', summary: 'Configured products', tag: 'organizations', responses: { '200': ok('Products.', listOf('Product')), ...errors('400') } }),
  },
  '/organizations': {
    get: op({
      operationId: 'listOrganizations',
      summary: 'Organizations the caller can see',
      tag: 'organizations',
      responses: { '200': ok('Organizations.', listOf('Organization')), ...errors('400') },
    }),
    post: op({
      operationId: 'createOrganization',
      summary: 'Create an organization (operator only)',
      tag: 'organizations',
      requestBody: body(ref('CreateOrganization')),
      responses: { '201': ok('Created.', ref('Organization')), ...errors(...bodyErrors, '403') },
    }),
  },
  '/organizations/{orgId}': {
    get: op({
      operationId: 'getOrganization',
      summary: 'One organization',
      tag: 'organizations',
      parameters: [param('orgId')],
      responses: { '200': ok('The organization.', ref('Organization')), ...errors('400') },
    }),
  },
  '/organizations/{orgId}/entitlements': {
    get: op({
      operationId: 'listEntitlements',
      summary: 'Seats per product, with seats used',
      tag: 'organizations',
      parameters: [param('orgId')],
      responses: { '200': ok('Entitlements.', listOf('Entitlement')), ...errors('400') },
    }),
  },
  '/organizations/{orgId}/entitlements/{productId}': {
    put: op({
      operationId: 'setEntitlement',
      summary: 'Set the seats for a product (operator only)',
      description: 'Lowering seats below those in use is allowed; no new licenses are given until below.',
      tag: 'organizations',
      parameters: [param('orgId'), param('productId')],
      requestBody: body(ref('SetEntitlement')),
      responses: { '200': ok('The entitlement.', ref('Entitlement')), ...errors(...bodyErrors, '403') },
    }),
  },
  '/organizations/{orgId}/directories': {
    get: op({
      operationId: 'listDirectories',
      summary: 'Directories of an organization',
      tag: 'directories',
      parameters: [param('orgId')],
      responses: { '200': ok('Directories.', listOf('Directory')), ...errors('400') },
    }),
    post: op({
      operationId: 'createDirectory',
      summary: 'Create a directory (JIT off unless asked for)',
      tag: 'directories',
      parameters: [param('orgId')],
      requestBody: body(ref('CreateDirectory')),
      responses: { '201': ok('Created.', ref('Directory')), ...errors(...bodyErrors) },
    }),
  },
  '/organizations/{orgId}/api-tokens': {
    get: op({
      operationId: 'listApiTokens',
      summary: 'API tokens of an organization (never the tokens themselves)',
      tag: 'organizations',
      parameters: [param('orgId')],
      responses: { '200': ok('Tokens, revoked ones included.', listOf('ApiToken')), ...errors('400') },
    }),
    post: op({
      operationId: 'createApiToken',
      summary: 'Create an organization admin token',
      description: 'The token acts as an admin of this organization only. It is in this answer once; store it safely.',
      tag: 'organizations',
      parameters: [param('orgId')],
      requestBody: body(ref('CreateApiToken')),
      responses: { '201': ok('The token, shown once.', ref('CreatedApiToken')), ...errors(...bodyErrors) },
    }),
  },
  '/api-tokens/{tokenId}': {
    delete: op({
      operationId: 'revokeApiToken',
      summary: 'Revoke an API token',
      tag: 'organizations',
      parameters: [param('tokenId')],
      responses: { ...noContent, ...errors() },
    }),
  },
  '/organizations/{orgId}/users': {
    get: op({
      operationId: 'listOrganizationUsers',
      summary: 'Users of every directory of an organization',
      tag: 'users',
      parameters: [param('orgId'), param('search'), param('userStatus'), param('limit'), param('offset')],
      responses: { '200': ok('A page of users.', pageOf('User')), ...errors('400') },
    }),
  },
  '/organizations/{orgId}/audit-events': {
    get: op({
      operationId: 'listAuditEvents',
      summary: 'Audit events of an organization, newest first',
      tag: 'audit',
      parameters: [
        param('orgId'),
        ...auditFilterParams,
        param('limit'),
        param('offset'),
      ],
      responses: { '200': ok('A page of events.', pageOf('AuditEvent')), ...errors('400') },
    }),
  },
  '/audit-events': {
    get: op({
      operationId: 'listDeploymentAuditEvents',
      summary: 'Audit events of every organization, or of none (operator only), newest first',
      description:
        'Launches from a tenant nobody linked (`connection_not_linked`) and protocol failures before any tenant was known are ' +
        'stored without an organization, so no organization\'s log shows them; `org=none` lists exactly those.',
      tag: 'audit',
      parameters: [
        queryParam('org', string({ maxLength: 128 }), 'An organization id, or `none` for events of no organization. Absent: every event.'),
        ...auditFilterParams,
        param('limit'),
        param('offset'),
      ],
      responses: { '200': ok('A page of events.', pageOf('AuditEvent')), ...errors('400', '403') },
    }),
  },
  '/directories/{directoryId}': {
    get: op({
      operationId: 'getDirectory',
      summary: 'One directory',
      tag: 'directories',
      parameters: [param('directoryId')],
      responses: { '200': ok('The directory.', ref('Directory')), ...errors('400') },
    }),
    patch: op({
      operationId: 'updateDirectory',
      summary: 'Rename a directory or switch JIT on or off',
      tag: 'directories',
      parameters: [param('directoryId')],
      requestBody: body(ref('UpdateDirectory')),
      responses: { '200': ok('The directory.', ref('Directory')), ...errors(...bodyErrors) },
    }),
  },
  '/directories/{directoryId}/users': {
    get: op({
      operationId: 'listDirectoryUsers',
      summary: 'Users of a directory',
      tag: 'users',
      parameters: [param('directoryId'), param('search'), param('userStatus'), param('limit'), param('offset')],
      responses: { '200': ok('A page of users.', pageOf('User')), ...errors('400') },
    }),
  },
  '/directories/{directoryId}/licenses': {
    post: op({
      operationId: 'assignLicense',
      summary: 'Give a license by email, creating the user when absent',
      tag: 'users',
      parameters: [param('directoryId')],
      requestBody: body(ref('AssignLicense')),
      responses: {
        '201': ok('Assigned.', ref('AssignLicenseResult')),
        '200': ok('The user already held the license.', ref('AssignLicenseResult')),
        ...errors(...bodyErrors, '409'),
      },
    }),
  },
  '/directories/{directoryId}/domains': {
    get: op({
      operationId: 'listDomains',
      summary: 'Domains a directory claims',
      tag: 'domains',
      parameters: [param('directoryId')],
      responses: { '200': ok('Domains.', listOf('Domain')), ...errors('400') },
    }),
    post: op({
      operationId: 'claimDomain',
      summary: 'Claim a domain; answers the DNS TXT record to publish',
      tag: 'domains',
      parameters: [param('directoryId')],
      requestBody: body(ref('ClaimDomain')),
      responses: { '201': ok('Claimed, pending verification.', ref('Domain')), ...errors(...bodyErrors, '409') },
    }),
  },
  '/domains/{domainId}': {
    get: op({
      operationId: 'getDomain',
      summary: 'One domain',
      tag: 'domains',
      parameters: [param('domainId')],
      responses: { '200': ok('The domain.', ref('Domain')), ...errors('400') },
    }),
    delete: op({
      operationId: 'removeDomain',
      summary: 'Remove a domain claim',
      tag: 'domains',
      parameters: [param('domainId')],
      responses: { ...noContent, ...errors() },
    }),
  },
  '/domains/{domainId}/verify': {
    post: op({
      operationId: 'verifyDomain',
      summary: 'Look up the TXT record and verify the domain when it matches',
      tag: 'domains',
      parameters: [param('domainId')],
      requestBody: body({ type: 'object', additionalProperties: false }, false),
      responses: { '200': ok('What DNS answered, and the domain.', ref('VerifyResult')), ...errors(...bodyErrors) },
    }),
  },
  '/domains/{domainId}/operator-verify': {
    post: op({
      operationId: 'operatorVerifyDomain',
      summary: 'Mark a domain verified without DNS (operator only)',
      tag: 'domains',
      parameters: [param('domainId')],
      requestBody: body({ type: 'object', additionalProperties: false }, false),
      responses: { '200': ok('The domain.', ref('Domain')), ...errors(...bodyErrors, '403') },
    }),
  },
  '/directories/{directoryId}/connections': {
    get: op({
      operationId: 'listDirectoryConnections',
      summary: 'Connections linked to a directory',
      tag: 'connections',
      parameters: [param('directoryId')],
      responses: { '200': ok('Connections.', listOf('Connection')), ...errors('400') },
    }),
    post: op({
      operationId: 'createConnection',
      summary: 'Link a partner tenant to a directory',
      tag: 'connections',
      parameters: [param('directoryId')],
      requestBody: body(ref('CreateConnection')),
      responses: { '201': ok('Linked.', ref('Connection')), ...errors(...bodyErrors, '409') },
    }),
  },
  '/connections': {
    get: op({
      operationId: 'listConnections',
      summary: 'Connections the caller can see; pending ones waiting to be linked only for the operator',
      tag: 'connections',
      parameters: [queryParam('status', { type: 'string', enum: ['linked', 'pending'] }), queryParam('partner', { type: 'string', enum: [...PARTNERS] })],
      responses: { '200': ok('Connections.', listOf('Connection')), ...errors('400') },
    }),
  },
  '/connections/{connectionId}': {
    get: op({
      operationId: 'getConnection',
      summary: 'One connection',
      tag: 'connections',
      parameters: [param('connectionId')],
      responses: { '200': ok('The connection.', ref('Connection')), ...errors('400') },
    }),
    patch: op({
      operationId: 'updateConnection',
      summary: 'Enable, disable, trust email, change Canvas deployment ids or label',
      tag: 'connections',
      parameters: [param('connectionId')],
      requestBody: body(ref('UpdateConnection')),
      responses: { '200': ok('The connection.', ref('Connection')), ...errors(...bodyErrors, '403', '409') },
    }),
    delete: op({
      operationId: 'unlinkConnection',
      summary: 'Unlink (remove) a connection',
      tag: 'connections',
      parameters: [param('connectionId')],
      responses: { ...noContent, ...errors('403') },
    }),
  },
  '/connections/{connectionId}/link': {
    post: op({
      operationId: 'linkConnection',
      summary: 'Link a pending connection to a directory',
      description:
        'Pending registrations are visible to the operator only. An organization admin links one by presenting its claim code; a missing or wrong code answers 404, like any other organization\'s resource, and is audited as connection.claim_refused. A code works once.',
      tag: 'connections',
      parameters: [param('connectionId')],
      requestBody: body(ref('LinkConnection')),
      responses: { '200': ok('The linked connection.', ref('Connection')), ...errors(...bodyErrors, '409') },
    }),
  },
  '/users/{userId}': {
    get: op({
      operationId: 'getUser',
      summary: 'One user, with external identities and licenses',
      tag: 'users',
      parameters: [param('userId')],
      responses: { '200': ok('The user.', ref('UserDetail')), ...errors('400') },
    }),
    patch: op({
      operationId: 'updateUser',
      summary: 'Block or unblock a user',
      tag: 'users',
      parameters: [param('userId')],
      requestBody: body(ref('UpdateUser')),
      responses: { '200': ok('The user.', ref('User')), ...errors(...bodyErrors) },
    }),
  },
  '/users/{userId}/licenses/{productId}': {
    delete: op({
      operationId: 'revokeLicense',
      summary: 'Revoke a license',
      tag: 'users',
      parameters: [param('userId'), param('productId')],
      responses: { ...noContent, ...errors() },
    }),
  },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'LaunchGate admin API',
    version: '1',
    description:
      'Manage organizations, directories, domains, partner connections, users and licenses. ' +
      'Organization admin tokens see only their own organization: ids of other organizations answer 404.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ bearerAuth: [] }],
  tags: [
    { name: 'organizations' },
    { name: 'directories' },
    { name: 'domains' },
    { name: 'connections' },
    { name: 'users' },
    { name: 'audit' },
    { name: 'meta' },
  ],
  paths,
  components: {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token: `Authorization: Bearer lg_...`.' },
    },
    parameters,
    schemas,
    responses: {
      BadRequest: errorResponse('Invalid input (`invalid_input`, `invalid_json`): `field` names the field at fault.'),
      Unauthorized: errorResponse('No token, or an unknown or revoked one (`unauthorized`).'),
      Forbidden: errorResponse('Only the operator may do this (`forbidden`).'),
      NotFound: errorResponse('No such record, or not visible to the caller (`not_found`).'),
      Conflict: errorResponse('`conflict` (domain or tenant already taken, already linked), `no_entitlement` or `no_seats`.'),
      PayloadTooLarge: errorResponse('The body is over 100 kB (`payload_too_large`).'),
      UnsupportedMediaType: errorResponse('The body is not `application/json` (`unsupported_media_type`).'),
    },
  },
} as const;

import assert from 'node:assert/strict';
import { createAdminApiRouter, openApiDocument } from '../../src/admin/api';
import type { Store } from '../../src/store/port';
import * as schema from '../../src/admin/api/schemas';
import { z } from 'zod';
import { PRODUCTS } from './support';

function zodKeys(s: z.ZodTypeAny): string[] {
  if (s instanceof z.ZodEffects) return zodKeys(s.innerType());
  if (s instanceof z.ZodObject) return Object.keys(s.shape as object).sort();
  throw new Error('not an object schema');
}

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** "METHOD /path/{param}" for every route the router registers. */
function registeredRoutes(): string[] {
  // Building the router touches no store; routes are only listed, never called.
  const router = createAdminApiRouter({ store: {} as Store, products: PRODUCTS });
  const stack = (router as unknown as { stack: RouteLayer[] }).stack;
  const routes: string[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') routes.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes.sort();
}

function documentedRoutes(): string[] {
  const routes: string[] = [];
  for (const [path, item] of Object.entries(openApiDocument.paths)) {
    for (const method of Object.keys(item)) routes.push(`${method.toUpperCase()} ${path}`);
  }
  return routes.sort();
}

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else refs(v, found);
    }
  }
  return found;
}

describe('admin API OpenAPI document', () => {
  it('describes every route the router registers, and no other', () => {
    const registered = registeredRoutes();
    assert.ok(registered.length > 25, `found only ${registered.length} routes`);
    assert.deepEqual(documentedRoutes(), registered);
  });

  it('declares every path parameter of every route', () => {
    const doc = openApiDocument as unknown as { paths: Record<string, Record<string, { parameters?: Array<{ $ref?: string; in?: string; name?: string }> }>>; components: { parameters: Record<string, { in: string; name: string }> } };
    for (const [path, item] of Object.entries(doc.paths)) {
      const expected = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(item)) {
        const declared = (op.parameters ?? [])
          .map((p) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()!]! : (p as { in: string; name: string })))
          .filter((p) => p.in === 'path')
          .map((p) => p.name)
          .sort();
        assert.deepEqual(declared, expected, `${method.toUpperCase()} ${path}`);
      }
    }
  });

  it('resolves every $ref and uses unique operation ids', () => {
    for (const ref of refs(openApiDocument)) {
      const target = ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], openApiDocument);
      assert.ok(target !== undefined, `dangling ${ref}`);
    }
    const ids = Object.values(openApiDocument.paths).flatMap((item) => Object.values(item).map((op) => (op as { operationId: string }).operationId));
    assert.equal(new Set(ids).size, ids.length);
  });

  it('documents exactly the fields each request body accepts', () => {
    const schemas = openApiDocument.components.schemas as unknown as Record<string, { properties: object }>;
    const pairs: Array<[string, z.ZodTypeAny]> = [
      ['CreateOrganization', schema.createOrganizationBody],
      ['SetEntitlement', schema.setEntitlementBody],
      ['CreateDirectory', schema.createDirectoryBody],
      ['UpdateDirectory', schema.updateDirectoryBody],
      ['ClaimDomain', schema.claimDomainBody],
      ['CreateCanvasConnection', schema.createConnectionBody.options[0]],
      ['CreateCleverConnection', schema.createConnectionBody.options[1]],
      ['CreateClassLinkConnection', schema.createConnectionBody.options[2]],
      ['UpdateConnection', schema.updateConnectionBody],
      ['LinkConnection', schema.linkConnectionBody],
      ['UpdateUser', schema.updateUserBody],
      ['AssignLicense', schema.assignLicenseBody],
    ];
    for (const [name, zod] of pairs) {
      assert.deepEqual(Object.keys(schemas[name]!.properties).sort(), zodKeys(zod), name);
    }
  });

  it('declares the bearer scheme, the error shape and OpenAPI 3.1', () => {
    assert.equal(openApiDocument.openapi, '3.1.0');
    assert.deepEqual(openApiDocument.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      description: openApiDocument.components.securitySchemes.bearerAuth.description,
    });
    assert.deepEqual(openApiDocument.security, [{ bearerAuth: [] }]);
    assert.ok('Error' in openApiDocument.components.schemas);
  });
});

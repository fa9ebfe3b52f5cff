import { describe, expect, it } from 'vitest';
import { openApiPath, pathParamNames, type OpenApiDocument, type Operation } from '../../emulator/control/openapi.js';
import { servesDialect } from '../../emulator/http/route.js';
import { inProcessEmulator } from '../support/client.js';

async function document() {
  const emu = await inProcessEmulator();
  const res = await emu.call('GET', '/_emulator/openapi.json');
  return { emu, res, doc: res.body as unknown as OpenApiDocument };
}

function op(doc: OpenApiDocument, method: string, path: string): Operation {
  const o = doc.paths[openApiPath(path)]?.[method.toLowerCase()];
  if (!o) throw new Error(`no operation ${method} ${path}`);
  return o;
}

describe('OpenAPI document', () => {
  it('lists every route of the table exactly once, with every path parameter declared', async () => {
    const { emu, res, doc } = await document();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, o]) => ({ path, method, o })));
    // The document lists the routes of the running dialect (a path may have one record per dialect).
    const served = emu.routes.filter((r) => servesDialect(r, emu.emulator.config.apiDialect));
    expect(operations).toHaveLength(served.length);
    const ids = new Set(operations.map((x) => x.o.operationId));
    expect(ids.size).toBe(operations.length);
    for (const route of served) {
      const o = op(doc, route.method, route.path);
      expect(o.tags).toEqual([route.area]);
      expect(o['x-parity'].status).toBe(route.parity.status);
      expect(o['x-emulator-only']).toBe(route.emulatorOnly);
      expect(o['x-schema-error'], `${route.method} ${route.path}`).toBeUndefined();
      const declared = o.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared.sort(), `${route.method} ${route.path}`).toEqual(pathParamNames(route.path).sort());
      expect(openApiPath(route.path)).not.toContain(':');
    }
    // Every `{name}` of every path is a declared path parameter of each of its operations.
    for (const { path, o } of operations) {
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) expect(o.parameters.some((p) => p.in === 'path' && p.name === name && p.required)).toBe(true);
    }
  });

  it('renders the schemas that validate requests: patterns, form helpers, required fields', async () => {
    const { doc } = await document();
    const create = op(doc, 'POST', '/current/org/create/');
    const content = create.requestBody!.content as Record<string, { schema: { properties: Record<string, Record<string, unknown>>; required: string[] } }>;
    expect(Object.keys(content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    const body = content['application/x-www-form-urlencoded']!.schema;
    expect(body.properties.domain).toMatchObject({ type: 'string', pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$', minLength: 2, maxLength: 63 });
    expect(body.required).toContain('domain');
    expect(body.required).not.toContain('name');
    // formBool: a JSON boolean or its text form.
    const ws = op(doc, 'POST', '/current/org/:org_id/create/workspace/');
    const wsBody = (ws.requestBody!.content as Record<string, { schema: { properties: Record<string, { anyOf?: { type: string }[] }> } }>)['application/json']!
      .schema;
    expect(wsBody.properties.intelligence!.anyOf!.map((s) => s.type).sort()).toEqual(['boolean', 'string']);
    // formInt in a query: an integer or digits.
    const requests = op(doc, 'GET', '/_emulator/requests');
    const limit = requests.parameters.find((p) => p.name === 'limit')!;
    expect(limit).toMatchObject({ in: 'query', required: false });
    expect((limit.schema.anyOf as { type: string }[]).map((s) => s.type).sort()).toEqual(['integer', 'string']);
  });

  it('declares security per auth mode, the shared error envelope, and the control plane', async () => {
    const { doc } = await document();
    expect(op(doc, 'GET', '/current/user/auth/').security).toEqual([{ basicAuth: [] }]);
    expect(op(doc, 'GET', '/current/user/details/').security).toEqual([{ bearerAuth: [] }]);
    const health = op(doc, 'GET', '/_emulator/health');
    expect(health.tags).toEqual(['control']);
    expect(health['x-emulator-only']).toBe(true);
    // Health answers without the control token (container health checks); other control routes need it when set.
    expect(health.security).toEqual([{}]);
    expect(op(doc, 'GET', '/_emulator/state').security).toEqual([{}, { controlToken: [] }]);
    const components = doc.components as { schemas: Record<string, { properties: Record<string, unknown> }>; responses: Record<string, unknown> };
    expect(components.schemas.ErrorEnvelope!.properties.error).toMatchObject({ required: ['code', 'text'] });
    expect(op(doc, 'GET', '/current/org/:org_id/details/').responses).toMatchObject({
      '404': { $ref: '#/components/responses/NotFound' },
      default: { $ref: '#/components/responses/Error' },
    });
    // Every $ref points at something that exists.
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/[^"]+"/g) ?? [];
    for (const ref of new Set(refs)) {
      const [, kind, name] = /#\/components\/([^/]+)\/([^"]+)/.exec(ref)!;
      expect((doc.components[kind!] as Record<string, unknown>)[name!], ref).toBeDefined();
    }
    expect(doc.tags.map((t) => t.name)).toContain('control');
  });

  it('is built once and served from the cache', async () => {
    const { emu, res } = await document();
    const again = await emu.call('GET', '/_emulator/openapi.json');
    expect(again.text).toBe(res.text);
  });
});

/**
 * The OpenAPI 3.1 document of every route the emulator serves, generated from the route table and
 * the same zod schemas that validate requests (zod's JSON Schema output, input side), so no field
 * list is written twice. Built on the first `GET /_emulator/openapi.json` and cached: start-up never
 * pays for it.
 *
 * Form helpers (`formBool`, `formInt`, ...) accept a JSON value or its text form; they render as
 * `anyOf` of both, which is what a client may send. Request bodies are offered as form-encoded
 * (what the official client sends) and JSON (both are accepted on every route).
 */
import { z } from 'zod';
import type { AnyRoute, Area, AuthMode } from '../http/route.js';
import type { Dialect } from '../catalogue/index.js';
import { VERSION } from '../version.js';

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: Record<string, unknown>;
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
}

export interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: Parameter[];
  requestBody?: Record<string, unknown>;
  responses: Record<string, unknown>;
  'x-parity': Record<string, unknown>;
  'x-emulator-only': boolean;
  'x-access'?: Record<string, string>;
  /** set when a schema could not be rendered (the OpenAPI test asserts there are none) */
  'x-schema-error'?: string;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
  description?: string;
}

/** `?output=` (http/output.ts), on every API operation. */
const OUTPUT_PARAMETER: Parameter = {
  name: 'output',
  in: 'query',
  required: false,
  schema: { type: 'string', examples: ['terse', 'standard', 'full', 'standard,markdown', 'markdown'] },
  description:
    'Output modifiers, comma-separated: one detail level (`terse`, `standard` or `full`, the default; two levels are 400/1605) ' +
    'and `markdown` (the answer or the error as GitHub-flavoured Markdown, `text/markdown; charset=UTF-8`). Unknown tokens are ignored.',
};

const AREA_DESCRIPTIONS: Record<Area, string> = {
  auth: 'Users: sign-up, sign-in, tokens, API keys, profile',
  orgs: 'Organizations: one per customer (tenant), plans and billing details',
  members: 'Organization and workspace members, roles and invitations',
  workspaces: 'Workspaces inside an organization',
  storage: 'Files and folders in a workspace, uploads and downloads',
  intelligence: 'Per-workspace intelligence: ingestion, search, chats',
  events: 'Audit events and activity polling',
  billing: 'Credits, usage and meters',
  transfer: 'Ownership transfer of agent-built organizations',
  control: 'Emulator-only control plane (`/_emulator/*`): no live counterpart',
  shares: 'Shares of a workspace (send, receive, exchange): settings, access, lists',
  comments: 'Comments on files of workspaces and shares: threads, anchors, mentions, reactions, attachments',
  apps: 'The apps (interactive widgets) catalogue and the how-to product help',
  system: 'Health check and service status (no authentication)',
  assets: 'Branding assets (logos, banners, profile pictures) of orgs, workspaces, shares and users: images stored as blobs',
};

/** `/current/org/:org_id/` -> `/current/org/{org_id}/` */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

function operationId(route: AnyRoute): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((seg) => (seg.startsWith(':') ? `by_${seg.slice(1)}` : seg))
    .join('_')
    .replace(/[^A-Za-z0-9_]+/g, '_');
  return `${route.method.toLowerCase()}_${words}`;
}

/** The input side of a zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1). */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return out;
}

function securityFor(auth: AuthMode, emulatorOnly: boolean, publicAsset: boolean): Record<string, string[]>[] {
  // Control routes need nothing on loopback, or the control token when the emulator has one;
  // the dashboard's static files never need the token.
  if (publicAsset) return [{}];
  if (emulatorOnly) return [{}, { controlToken: [] }];
  switch (auth) {
    case 'none':
      return [];
    case 'basic':
      return [{ basicAuth: [] }];
    case 'bearer':
    case 'bearer-unverified':
      return [{ bearerAuth: [] }];
    // The download token is the `token` query parameter (in the route's query schema).
    case 'bearer-or-download-token':
    case 'bearer-or-share-token':
    case 'bearer-optional':
      return [{ bearerAuth: [] }, {}];
  }
}

/** Object schema -> one parameter per property. */
function parametersFrom(schema: JsonSchema, where: 'path' | 'query'): Parameter[] {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(props).map(([name, propSchema]) => {
    const { description, ...rest } = propSchema;
    const p: Parameter = { name, in: where, required: where === 'path' || required.has(name), schema: rest };
    if (typeof description === 'string') p.description = description;
    return p;
  });
}

function buildOperation(route: AnyRoute): Operation {
  const errors: string[] = [];
  const render = (what: string, thunk: (() => z.ZodType) | undefined): JsonSchema | undefined => {
    if (!thunk) return undefined;
    try {
      return inputJsonSchema(thunk());
    } catch (e) {
      errors.push(`${what}: ${(e as Error).message}`);
      return {};
    }
  };

  const parameters: Parameter[] = [];
  const paramsSchema = render('params', route.params);
  const fromSchema = paramsSchema ? parametersFrom(paramsSchema, 'path') : [];
  // Every `:name` of the path is declared, from its schema when the route has one.
  for (const name of pathParamNames(route.path)) {
    parameters.push(fromSchema.find((p) => p.name === name) ?? { name, in: 'path', required: true, schema: { type: 'string' } });
  }
  const querySchema = render('query', route.query);
  if (querySchema) parameters.push(...parametersFrom(querySchema, 'query'));
  // The output modifiers apply to every API route (http/output.ts), not to the control plane.
  if (!route.emulatorOnly && !parameters.some((p) => p.name === 'output')) parameters.push(OUTPUT_PARAMETER);

  const op: Operation = {
    operationId: operationId(route),
    summary: route.summary,
    tags: [route.area],
    security: securityFor(route.auth, route.emulatorOnly, route.publicAsset ?? false),
    parameters,
    responses: {},
    'x-parity': {
      status: route.parity.status,
      choices: route.parity.choices ?? [],
      divergences: route.parity.divergences ?? [],
      ...(route.parity.source ? { source: route.parity.source } : {}),
    },
    'x-emulator-only': route.emulatorOnly,
  };
  if (route.access) op['x-access'] = { ...route.access } as Record<string, string>;

  const bodySchema = render('body', route.body);
  if (bodySchema || route.files) {
    const schema = bodySchema ?? { type: 'object' };
    const content: Record<string, unknown> = {
      'application/x-www-form-urlencoded': { schema },
      'application/json': { schema },
    };
    if (route.files) {
      const props = (schema.properties ?? {}) as Record<string, unknown>;
      content['multipart/form-data'] = {
        schema: { ...schema, type: 'object', properties: { ...props, file: { type: 'string', contentMediaType: 'application/octet-stream' } } },
      };
    }
    const required = Array.isArray(schema.required) && schema.required.length > 0;
    op.requestBody = { required, content };
  }

  const responses: Record<string, unknown> = {
    '200': { $ref: '#/components/responses/Success' },
  };
  if (paramsSchema || querySchema || bodySchema) responses['400'] = { $ref: '#/components/responses/InvalidInput' };
  if (route.auth !== 'none' && route.auth !== 'bearer-optional' && !route.emulatorOnly) responses['401'] = { $ref: '#/components/responses/Unauthenticated' };
  if (route.access) {
    responses['403'] = { $ref: '#/components/responses/AccessDenied' };
    responses['404'] = { $ref: '#/components/responses/NotFound' };
  }
  if (!route.emulatorOnly) responses['429'] = { $ref: '#/components/responses/RateLimited' };
  responses.default = { $ref: '#/components/responses/Error' };
  op.responses = responses;
  if (errors.length > 0) op['x-schema-error'] = errors.join('; ');
  return op;
}

function components(): Record<string, unknown> {
  const errorResponse = (description: string) => ({
    description,
    headers: rateLimitHeaders(),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
  });
  return {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'A JWT from sign-in (`GET /current/user/auth/`) or an API key.' },
      basicAuth: { type: 'http', scheme: 'basic', description: 'Email and password, for sign-in only.' },
      controlToken: {
        type: 'apiKey',
        in: 'header',
        name: 'x-emulator-control-token',
        description: 'Emulator only: required on /_emulator/* when the emulator runs with --control-token (Bearer is accepted too).',
      },
    },
    headers: {
      'x-ve-limit-avail': { description: 'Requests left in the current rate-limit window.', schema: { type: 'string' } },
      'x-ve-limit-max': { description: 'Requests allowed per window.', schema: { type: 'string' } },
      'x-ve-limit-expires': { description: 'When the window ends (epoch seconds).', schema: { type: 'string' } },
    },
    schemas: {
      SuccessEnvelope: {
        type: 'object',
        description: 'Every success: `result: true` and the route’s fields beside it.',
        properties: { result: { const: true } },
        required: ['result'],
        additionalProperties: true,
      },
      ParamError: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          kind: { enum: ['missing', 'invalid'] },
          code: { type: 'integer', description: '10022 blank, 10023 invalid' },
          message: { type: 'string' },
          expected_type: { type: 'string' },
        },
        required: ['name', 'kind', 'code', 'message'],
      },
      ErrorEnvelope: {
        type: 'object',
        description: 'Every failure, with the live status/code pairs (README, "Wire format").',
        properties: {
          result: { const: false },
          error: {
            type: 'object',
            properties: {
              code: { type: 'integer' },
              text: { type: 'string' },
              params: { type: 'array', items: { $ref: '#/components/schemas/ParamError' } },
              resource: { type: 'string' },
              hint: { type: 'string' },
            },
            required: ['code', 'text'],
          },
        },
        required: ['result', 'error'],
      },
    },
    responses: {
      Success: {
        description: 'Success',
        headers: rateLimitHeaders(),
        content: {
          'application/json': { schema: { $ref: '#/components/schemas/SuccessEnvelope' } },
          'text/markdown': { schema: { type: 'string', description: 'with `?output=markdown`' } },
        },
      },
      InvalidInput: errorResponse('400/1605: invalid input, with `params[]` per field'),
      Unauthenticated: errorResponse('401: missing, bad or expired credentials'),
      AccessDenied: errorResponse('403/1680: the caller’s role does not allow this (403/10587: email not verified)'),
      NotFound: errorResponse('404/1609: the org or workspace does not exist or is not the caller’s (401/10545 for a workspace the caller is not a member of)'),
      RateLimited: errorResponse('429/1671: rate limited (`retry-after` says when to retry)'),
      Error: errorResponse('Any other failure, in the same envelope'),
    },
  };
}

function rateLimitHeaders(): Record<string, unknown> {
  return {
    'x-ve-limit-avail': { $ref: '#/components/headers/x-ve-limit-avail' },
    'x-ve-limit-max': { $ref: '#/components/headers/x-ve-limit-max' },
    'x-ve-limit-expires': { $ref: '#/components/headers/x-ve-limit-expires' },
  };
}

/** The document of the routes the running dialect serves; `info` names the dialect. */
export function buildOpenApi(routes: readonly AnyRoute[], dialect?: Dialect): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const areas = new Set<Area>();
  for (const route of routes) {
    const key = openApiPath(route.path);
    const item = (paths[key] ??= {});
    item[route.method.toLowerCase()] = buildOperation(route);
    areas.add(route.area);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fast.io API, as emulated by fastio-emulator',
      version: VERSION,
      description:
        'Every route the emulator serves, generated from the schemas that validate its requests. `x-parity` gives each ' +
        'route’s parity status with the live API and the behaviours that are the emulator’s own choice; operations ' +
        'tagged `control` (and marked `x-emulator-only`) exist only on the emulator.' +
        (dialect ? ` API dialect: ${dialect} (\`--api-dialect\`).` : ''),
      ...(dialect ? { 'x-fastio-api-dialect': dialect } : {}),
    },
    servers: [
      { url: 'http://127.0.0.1:3278', description: 'fastio-emulator (default port)' },
      { url: 'https://api.fast.io', description: 'the live API' },
    ],
    tags: [...areas].map((name) => ({ name, description: AREA_DESCRIPTIONS[name] ?? name })),
    paths,
    components: components(),
  };
}

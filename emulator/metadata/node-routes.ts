/**
 * Metadata on nodes and the AI routes (HTTP only; rules in values.ts and extraction.ts).
 * PARITY: official client src/api/metadata.rs (details single and bulk, extract, extract-all,
 * auto-match, preview-match, suggest-fields) and mcp/tools.rs metadata-update/-delete/-list/
 * -templates-in-use; agent guide REFERENCE "Node Metadata Operations", "AI-Powered Extraction".
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { ApiError } from '../http/errors.js';
import { RawResponse } from '../http/route.js';
import { paginate } from '../http/schema.js';
import { isOpaqueId, normalizeOpaqueId } from '../store/ids.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { Emulator } from '../emulator.js';
import type { StorageNode } from '../store/model.js';
import { detailsJson, nodeBrief, valueJson } from './format.js';
import { SOURCE, tplJson } from './template-routes.js';
import {
  BULK_DETAILS_MAX,
  autoMatchBody,
  deleteKeysQuery,
  detailsParams,
  extractAllBody,
  extractBody,
  keyValuesBody,
  nodeListQuery,
  nodeMetaParams,
  nodeTemplateParams,
  previewMatchBody,
  suggestBody,
  templateParams,
  workspaceMetaParams,
} from './schema.js';

const READ = { workspace: 'workspace_id', action: 'workspace.storage.read' } as const;
const WRITE = { workspace: 'workspace_id', action: 'workspace.storage.write' } as const;
/** AI work spends credits: the members who may chat (not guests). */
const AI = { workspace: 'workspace_id', action: 'workspace.ai.chat' } as const;
const CREDIT_CHOICE =
  'AI tokens of the text read and the values written, 1 credit per 100, charged when the request is accepted; past the budget 402/1696 and nothing is queued';
const ELIGIBLE_CHOICE = 'only a live file or note whose AI state is ready (its text indexed) is extracted, else 400/1605';

function details(emu: Emulator, scope: WorkspaceScope, node: StorageNode): Record<string, unknown> {
  return detailsJson(node, emu.metadata.templates.templatesOfNode(scope, node.id), emu.metadata.values.rowsOf(node.id));
}

/** 202 Accepted with the envelope (PARITY: client extract_node_metadata "returns 202 Accepted"). */
function accepted(fields: Record<string, unknown>): RawResponse {
  return new RawResponse(JSON.stringify({ result: true, ...fields }), 'application/json', 202);
}

export const nodeMetadataRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/details/',
    area: 'intelligence',
    summary: "A node's metadata (template and custom values); comma-separated ids answer the bulk `multi` shape",
    params: detailsParams,
    access: READ,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'every value carries `source` (extracted or manual) and `citation` {page, chunk, snippet} for extracted ones',
        'bulk: per-id errors 147196 (bad id), 196136 (root), 191049 (not found, or another workspace), 150183 (a folder); HTTP 404 when every id errs; more than 25 ids 406/109184',
      ],
    },
    handler: (_ctx, { params, scope }, emu) => {
      if (!params.node_id.includes(',')) return details(emu, scope, emu.storage.node(scope, normalizeOpaqueId(params.node_id)));
      const seen = new Set<string>();
      const ids = params.node_id
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0 && !seen.has(s.toLowerCase()) && seen.add(s.toLowerCase()));
      if (ids.length === 0 || ids.length > BULK_DETAILS_MAX) throw new ApiError(406, 109184, `Send 1 to ${BULK_DETAILS_MAX} node ids (got ${ids.length}).`);
      const objects: Record<string, unknown>[] = [];
      const templates: Record<string, unknown> = {};
      const errors: { node_id: string; code: number; message: string }[] = [];
      for (const raw of ids) {
        if (raw.toLowerCase() === 'root') errors.push({ node_id: raw, code: 196136, message: 'The root folder carries no metadata.' });
        else if (!isOpaqueId(raw, '2')) errors.push({ node_id: raw, code: 147196, message: 'Not a storage node id.' });
        else {
          const node = emu.db.nodes.get(normalizeOpaqueId(raw));
          if (!node || node.workspaceId !== scope.workspace.id || node.trashed !== null)
            errors.push({ node_id: raw, code: 191049, message: 'Storage node not found.' });
          else if (node.type === 'folder') errors.push({ node_id: raw, code: 150183, message: 'The storage node is not a file or note.' });
          else {
            objects.push(details(emu, scope, node));
            for (const t of emu.metadata.templates.templatesOfNode(scope, node.id)) templates[t.id] = tplJson(emu, scope, t);
          }
        }
      }
      const body = { format: 'multi', objects, templates, errors };
      return objects.length > 0 ? body : new RawResponse(JSON.stringify({ result: false, ...body }), 'application/json', 404);
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/update/:template_id/',
    area: 'intelligence',
    summary: 'Set metadata values by hand (key_values: a JSON object); keys outside the template are custom metadata',
    params: nodeTemplateParams,
    body: keyValuesBody,
    access: WRITE,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'a template field value is checked against its type, fixed_list, min and max (else 400/1605 naming the key)',
        'keys that are not fields of the template are stored as custom metadata',
        'each change keeps a version',
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const node = emu.storage.node(scope, params.node_id);
      const t = emu.metadata.templates.template(scope, params.template_id);
      emu.metadata.values.update(scope, callerOf(ctx).user.id, node, t, body.key_values);
      return details(emu, scope, node);
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/',
    area: 'intelligence',
    summary: "Delete a node's metadata keys (keys: a JSON array; without it every key)",
    params: nodeMetaParams,
    query: deleteKeysQuery,
    access: WRITE,
    parity: { status: 'implemented', source: SOURCE, choices: ['`deleted` lists the keys removed; a version records the deletion'] },
    handler: (ctx, { params, query, scope }, emu) => {
      const node = emu.storage.node(scope, params.node_id);
      return { node_id: node.id, ...emu.metadata.values.delete(scope, callerOf(ctx).user.id, node, query.keys) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/list/:template_id/',
    area: 'intelligence',
    summary: "A template's rows for the files under a folder (or one file): filters (JSON object), order_by, order_desc",
    params: nodeTemplateParams,
    query: nodeListQuery,
    access: READ,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['a folder lists its mapped files at any depth; filters match values exactly, case-insensitive'],
    },
    handler: (_ctx, { params, query, scope }, emu) => {
      const under = emu.storage.node(scope, params.node_id);
      const t = emu.metadata.templates.template(scope, params.template_id);
      const { page, pagination } = paginate(emu.metadata.values.list(scope, under, t, query), query.limit, query.offset);
      return { template_id: t.id, nodes: page.map((r) => ({ ...nodeBrief(r.node), node_id: r.node.id, metadata: r.values })), pagination };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/templates/',
    area: 'intelligence',
    summary: 'The templates in use on a file, or on the files under a folder',
    params: nodeMetaParams,
    access: READ,
    parity: { status: 'implemented', source: SOURCE, choices: ['a folder answers the templates of its files at any depth'] },
    handler: (_ctx, { params, scope }, emu) => {
      const node = emu.storage.node(scope, params.node_id);
      const all = emu.metadata.templates.templates(scope);
      const used =
        node.type === 'folder'
          ? all.filter((t) => emu.metadata.values.list(scope, node, t, {}).length > 0)
          : emu.metadata.templates.templatesOfNode(scope, node.id);
      return { templates: used.map((t) => tplJson(emu, scope, t)) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/versions/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: "A node's metadata history, newest first",
    params: nodeMetaParams,
    access: READ,
    parity: {
      status: 'implemented',
      source: 'agent guide REFERENCE "Node Metadata Operations" (versions/)',
      choices: ['one version per change per template (custom values under template_id null), at most 20 kept each'],
    },
    handler: (_ctx, { params, scope }, emu) => {
      const node = emu.storage.node(scope, params.node_id);
      const versions = emu.metadata.values
        .rowsOf(node.id)
        .flatMap((r) =>
          r.versions.map((v) => ({
            template_id: r.templateId,
            version: v.version,
            source: v.source,
            user_id: v.userId,
            created: v.created,
            values: v.values.map((x) => valueJson(x)),
          })),
        )
        .sort((a, b) => b.created - a.created || b.version - a.version);
      return { node_id: node.id, versions: versions.map((v) => ({ ...v, created: new Date(v.created).toISOString() })) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/template_select/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: 'The templates that fit a file best, by its text (no credits)',
    params: nodeMetaParams,
    access: READ,
    parity: {
      status: 'implemented',
      source: 'official client 41dde01 mcp/tools.rs metadata-template-select',
      choices: ['CHOICE: the workspace templates ranked by how many of their name, description and field words the file holds; free; a mapped template first'],
    },
    handler: async (_ctx, { params, scope }, emu) => {
      const node = emu.storage.node(scope, params.node_id);
      return { node_id: node.id, templates: await emu.metadata.extraction.rankTemplates(scope, node) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/extract/',
    area: 'intelligence',
    summary: 'Queue the extraction of one file against a template (202 with job_id; values appear in details)',
    params: nodeMetaParams,
    body: extractBody,
    access: AI,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        ELIGIBLE_CHOICE,
        CREDIT_CHOICE,
        'without template_id the first template the file is mapped to; none answers 400/1605',
        'values are found in the document text by field type and cite page and chunk (emulator/metadata/extract.ts)',
        'an empty scope (every field opted out) answers status `skipped` without job_id',
      ],
    },
    handler: async (ctx, { params, body, scope }, emu) =>
      accepted(await emu.metadata.extraction.extractNode(scope, callerOf(ctx).user.id, params.node_id, body.template_id || undefined, body.fields)),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/templates/:template_id/extract-all/',
    area: 'intelligence',
    summary: 'Queue the extraction of every mapped file of a template (skips files with values unless force)',
    params: templateParams,
    body: extractAllBody,
    access: AI,
    parity: { status: 'implemented', source: SOURCE, choices: [ELIGIBLE_CHOICE, CREDIT_CHOICE, 'at most 1,000 files per job; `node_count` says how many'] },
    handler: async (ctx, { params, body, scope }, emu) =>
      emu.metadata.extraction.extractAll(scope, callerOf(ctx).user.id, params.template_id, body.fields, body.force ?? false),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/templates/:template_id/auto-match/',
    area: 'intelligence',
    summary: 'Queue the mapping of the eligible files that match a template',
    params: templateParams,
    body: autoMatchBody,
    access: AI,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        CREDIT_CHOICE,
        'a file matches when its name or text holds a word of the template name, description, field names or fixed lists',
        'capped at the plan node limit; batch_size is accepted and not needed',
      ],
    },
    handler: async (ctx, { params, scope }, emu) => emu.metadata.extraction.autoMatch(scope, callerOf(ctx).user.id, params.template_id),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/templates/preview-match/',
    area: 'intelligence',
    summary: 'The eligible files a proposed template (name, description) would match',
    params: workspaceMetaParams,
    body: previewMatchBody,
    access: AI,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [CREDIT_CHOICE, 'score: the share of the proposal words the file holds, 4 decimals; best first'],
    },
    handler: async (ctx, { body, scope }, emu) => emu.metadata.extraction.previewMatch(scope, callerOf(ctx).user.id, body.name, body.description),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/templates/suggest-fields/',
    area: 'intelligence',
    summary: 'Suggest 1-10 template fields from sample files (node_ids: 1-25)',
    params: workspaceMetaParams,
    body: suggestBody,
    access: AI,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        CREDIT_CHOICE,
        "fields come from the files' labelled lines (`Label: value`), most frequent first, typed by their values; else one per kind of value found (date, amount, identifier, name), else a title",
      ],
    },
    handler: async (ctx, { body, scope }, emu) => emu.metadata.extraction.suggestFields(scope, callerOf(ctx).user.id, body.node_ids, body.description),
  }),
];

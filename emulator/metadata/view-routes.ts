/**
 * Saved views (April, on a folder node), the view export and the metadata search (HTTP only;
 * rules in views.ts and values.ts). PARITY: client 41dde01 mcp/tools.rs metadata-view-save,
 * -view-delete, -views-list; client src/api/metadata.rs export_view, search_metadata; agent guide
 * REFERENCE "Saved Views".
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { paginate } from '../http/schema.js';
import { nodeBrief, viewJson } from './format.js';
import { SOURCE } from './template-routes.js';
import { exportBody, searchQuery, templateParams, viewBody, viewNodeParams, viewParams, workspaceMetaParams } from './schema.js';
import { z } from 'zod';
import { lazy } from '../http/schema.js';

const READ = { workspace: 'workspace_id', action: 'workspace.storage.read' } as const;
const WRITE = { workspace: 'workspace_id', action: 'workspace.storage.write' } as const;
const VIEW_CHOICE =
  "views are the calling member's own, on the folder node of the path (`root` accepted); `:template_id` names a view by its id or by its template";
const viewRefQuery = lazy(() => z.object({ template_id: z.string().min(1).max(100).optional(), view_id: z.string().min(1).max(100).optional() }));

export const viewRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/view/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: 'Save a view (template_id, name, filters, order_by, order_desc); a second save for the same template updates it',
    params: viewNodeParams,
    body: viewBody,
    access: WRITE,
    parity: { status: 'implemented', source: SOURCE, choices: [VIEW_CHOICE] },
    handler: (ctx, { params, body, scope }, emu) => {
      if (params.node_id !== 'root') emu.storage.node(scope, params.node_id);
      return { view: viewJson(emu.metadata.views.save(scope, callerOf(ctx).user.id, params.node_id, undefined, body)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/view/:template_id/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: 'Update a saved view',
    params: viewParams,
    body: viewBody,
    access: WRITE,
    parity: { status: 'implemented', source: SOURCE, choices: [VIEW_CHOICE, 'an unknown view answers 404/1609'] },
    handler: (ctx, { params, body, scope }, emu) => ({
      view: viewJson(emu.metadata.views.save(scope, callerOf(ctx).user.id, params.node_id, params.template_id, body)),
    }),
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/view/:template_id/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: 'Delete a saved view',
    params: viewParams,
    access: WRITE,
    parity: { status: 'implemented', source: SOURCE, choices: [VIEW_CHOICE] },
    handler: (ctx, { params, scope }, emu) => {
      emu.metadata.views.delete(scope, callerOf(ctx).user.id, params.node_id, params.template_id);
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/view/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: 'Delete a saved view named by template_id or view_id in the query',
    params: viewNodeParams,
    query: viewRefQuery,
    access: WRITE,
    parity: { status: 'implemented', source: 'agent guide REFERENCE "Saved Views"', choices: [VIEW_CHOICE] },
    handler: (ctx, { params, query, scope }, emu) => {
      const ref = query.view_id ?? query.template_id;
      if (!ref) throw Errors.missingField('template_id');
      emu.metadata.views.delete(scope, callerOf(ctx).user.id, params.node_id, ref);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/metadata/views/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: "The calling member's saved views on a folder node",
    params: viewNodeParams,
    access: READ,
    parity: { status: 'implemented', source: SOURCE, choices: [VIEW_CHOICE, 'oldest first'] },
    handler: (ctx, { params, scope }, emu) => ({ views: emu.metadata.views.mine(scope, callerOf(ctx).user.id, params.node_id).map(viewJson) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/view/:template_id/export/',
    area: 'intelligence',
    summary: "Queue a TSV export of the caller's view of a template into a folder (parent_node_id, root by default)",
    params: templateParams,
    body: exportBody,
    access: WRITE,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        "the caller's saved view of the template (any folder) sets filters and order; without one the whole table",
        'tab-separated, written with csv-stringify, header node_id, name and the fields',
        '`duplicate` without job_id while the same export runs',
      ],
    },
    handler: async (ctx, { params, body, scope }, emu) =>
      emu.metadata.views.export(scope, callerOf(ctx).user, params.template_id, body.parent_node_id || undefined, {
        folder: (s, ref) => emu.storage.folder(s, ref, 'parent_node_id'),
        store: (user, s, parentId, name, bytes) =>
          void emu.storage.storeVersion(user, s.workspace, s.org, {
            parentId,
            name,
            bytes,
            type: 'file',
            declaredMimetype: 'text/tab-separated-values',
            via: 'metadata_export',
          }),
      }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/metadata/search/',
    area: 'intelligence',
    summary: 'Keyword search over metadata values (template and custom)',
    params: workspaceMetaParams,
    query: searchQuery,
    access: READ,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        "score: the share of query terms a file's values hold, 4 decimals; ties by node id",
        'each hit: node, score and the matching values; trashed files left out',
        'values are searchable as soon as they are written (no indexing delay)',
      ],
    },
    handler: (_ctx, { query, scope }, emu) => {
      const hits = emu.metadata.values.search(scope, query.q, query.template_id);
      const { page, pagination } = paginate(hits, query.limit ?? 100, query.offset ?? 0);
      return { results: page.map((h) => ({ node_id: h.node.id, node: nodeBrief(h.node), score: h.score, matches: h.matches })), pagination };
    },
  }),
];

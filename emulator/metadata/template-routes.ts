/**
 * Metadata template routes (HTTP only; rules in service.ts). PARITY: official client 96b1551 and
 * 41dde01 src/api/metadata.rs and mcp/tools.rs metadata-template-* (paths, form fields), agent
 * guide REFERENCE "Template Management" and "Template-Node Mapping". Answers are CHOICE in the
 * live style (the client prints them as they come): `template` for one, `templates` for lists.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { paginate } from '../http/schema.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { Emulator } from '../emulator.js';
import type { MetadataTemplate } from '../store/metadata-model.js';
import { nodeBrief, templateJson } from './format.js';
import { autoextractable } from './service.js';
import {
  TEMPLATE_CATEGORIES,
  eligibleQuery,
  listFilterParams,
  nodeIdsBody,
  settingsBody,
  templateCreateBody,
  templateDeleteQuery,
  templateNodesQuery,
  templateParams,
  templateUpdateBody,
  workspaceMetaParams,
} from './schema.js';

export const SOURCE = 'official client 96b1551/41dde01 src/api/metadata.rs, mcp/tools.rs metadata-*; agent guide REFERENCE "Metadata"';
const READ = { workspace: 'workspace_id', action: 'workspace.storage.read' } as const;
const WRITE = { workspace: 'workspace_id', action: 'workspace.storage.write' } as const;
const ROLE_CHOICE = 'members who may change files (not guests) create, change and delete templates and mappings; every member reads them';

export function tplJson(emu: Emulator, scope: WorkspaceScope, t: MetadataTemplate): Record<string, unknown> {
  return templateJson(t, emu.metadata.templates.caps(scope), emu.metadata.templates.mappedNodes(scope, t).unfiltered);
}

function listTemplates(emu: Emulator, scope: WorkspaceScope, filter: string): Record<string, unknown> {
  const all = emu.metadata.templates.templates(scope);
  const kept = all.filter((t) => (filter === 'enabled' ? t.enabled : filter === 'disabled' ? !t.enabled : filter === 'system' ? false : true));
  return { templates: kept.map((t) => tplJson(emu, scope, t)), count: kept.length, plan_template_limit: emu.metadata.templates.caps(scope).templates };
}

export const templateRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/templates/',
    area: 'intelligence',
    summary: 'Create a metadata template: name, description, category and typed fields (JSON)',
    params: workspaceMetaParams,
    body: templateCreateBody,
    access: WRITE,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        ROLE_CHOICE,
        'field types string, int, float, bool, json, url, datetime (default string); fixed_list makes an enumeration',
        'templates per workspace and fields per template are capped by plan (past the template cap 402/1685, past the field cap 400/1605)',
        'the category is free text of at most 50 characters, stored lower-case',
      ],
    },
    handler: (ctx, { body, scope }, emu) => {
      const t = emu.metadata.templates.create(scope, callerOf(ctx).user.id, body);
      return { template_id: t.id, template: tplJson(emu, scope, t) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/metadata/templates/list/',
    area: 'intelligence',
    summary: "The workspace's metadata templates",
    params: workspaceMetaParams,
    access: READ,
    parity: { status: 'implemented', source: SOURCE, choices: ['oldest first', 'the emulator has no system templates'] },
    handler: (_ctx, { scope }, emu) => listTemplates(emu, scope, 'all'),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/metadata/templates/list/:filter/',
    area: 'intelligence',
    summary: 'The metadata templates by filter: all, custom, system, enabled, disabled',
    params: listFilterParams,
    access: READ,
    parity: { status: 'implemented', source: SOURCE, choices: ['`system` lists nothing (no system templates); `custom` is every template'] },
    handler: (_ctx, { params, scope }, emu) => listTemplates(emu, scope, params.filter),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/metadata/templates/categories/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: 'The template categories',
    params: workspaceMetaParams,
    access: READ,
    parity: { status: 'implemented', source: `${SOURCE}; categories from REFERENCE "Architecture"`, choices: ['`categories` as `{id, name}` pairs'] },
    handler: () => ({ categories: TEMPLATE_CATEGORIES.map((id) => ({ id, name: id === 'hr' ? 'HR' : id.charAt(0).toUpperCase() + id.slice(1) })) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/metadata/templates/:template_id/details/',
    area: 'intelligence',
    summary: 'One template with its fields and plan caps',
    params: templateParams,
    access: READ,
    parity: { status: 'implemented', source: SOURCE, choices: ["another workspace's template answers 404/1609"] },
    handler: (_ctx, { params, scope }, emu) => ({ template: tplJson(emu, scope, emu.metadata.templates.template(scope, params.template_id)) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/templates/:template_id/settings/',
    area: 'intelligence',
    summary: 'Enable or disable a template, set its priority (1-5)',
    params: templateParams,
    body: settingsBody,
    access: WRITE,
    parity: { status: 'implemented', source: SOURCE, choices: [ROLE_CHOICE, 'a new template is enabled with priority 3'] },
    handler: (ctx, { params, body, scope }, emu) => ({
      template: tplJson(emu, scope, emu.metadata.templates.settings(scope, callerOf(ctx).user.id, params.template_id, body)),
    }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/templates/:template_id/update/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: "Change a template's name, description, category or fields",
    params: templateParams,
    body: templateUpdateBody,
    access: WRITE,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [ROLE_CHOICE, '`schema_update` names added and type-changed fields; nothing is re-extracted on its own (run extract-all)'],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const r = emu.metadata.templates.update(scope, callerOf(ctx).user.id, params.template_id, body);
      return { template: tplJson(emu, scope, r.template), schema_update: { added_fields: r.added, type_changed_fields: r.typeChanged } };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/templates/:template_id/update/create/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: 'Copy a template, with the changes sent',
    params: templateParams,
    body: templateUpdateBody,
    access: WRITE,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [ROLE_CHOICE, 'the copy is named "<name> (copy)" unless a name is sent; mappings and values stay with the original'],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const t = emu.metadata.templates.copy(scope, callerOf(ctx).user.id, params.template_id, body);
      return { template_id: t.id, template: tplJson(emu, scope, t) };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/metadata/templates/:template_id/',
    area: 'intelligence',
    summary: 'Delete a template with its mappings, values and views',
    params: templateParams,
    access: WRITE,
    parity: { status: 'implemented', source: SOURCE, choices: [ROLE_CHOICE] },
    handler: (ctx, { params, scope }, emu) => {
      emu.metadata.templates.delete(scope, callerOf(ctx).user.id, params.template_id);
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: '/current/workspace/:workspace_id/metadata/templates/',
    dialects: ['2026-04'],
    area: 'intelligence',
    summary: 'Delete a template named by `template_id`',
    params: workspaceMetaParams,
    query: templateDeleteQuery,
    access: WRITE,
    parity: {
      status: 'implemented',
      source: 'agent guide REFERENCE "Template Management" (DELETE .../metadata/templates/)',
      choices: [ROLE_CHOICE, 'the template is named by `template_id` in the query'],
    },
    handler: (ctx, { query, scope }, emu) => {
      emu.metadata.templates.delete(scope, callerOf(ctx).user.id, query.template_id);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/metadata/eligible/',
    area: 'intelligence',
    summary: 'Files and notes that can carry extracted metadata (their text is indexed)',
    params: workspaceMetaParams,
    query: eligibleQuery,
    access: READ,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['eligible: a live file or note whose AI state is ready (intelligence has read its text); by name'],
    },
    handler: (_ctx, { query, scope }, emu) => {
      const { page, pagination } = paginate(emu.metadata.templates.eligible(scope), query.limit, query.offset);
      return { nodes: page.map(nodeBrief), pagination };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/templates/:template_id/nodes/add/',
    area: 'intelligence',
    summary: 'Map files to a template (node_ids: JSON array or comma-separated)',
    params: templateParams,
    body: nodeIdsBody,
    access: WRITE,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        ROLE_CHOICE,
        'a folder answers 400/1605; a node of another workspace answers as the storage routes do',
        'past the plan cap 400/1605 naming the cap, the count and the slots left',
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const r = emu.metadata.templates.addNodes(scope, callerOf(ctx).user.id, params.template_id, body.node_ids);
      return { template_id: params.template_id, added: r.added, already_mapped: r.already };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/metadata/templates/:template_id/nodes/remove/',
    area: 'intelligence',
    summary: 'Unmap files from a template (their values stay until deleted)',
    params: templateParams,
    body: nodeIdsBody,
    access: WRITE,
    parity: { status: 'implemented', source: SOURCE, choices: [ROLE_CHOICE, 'ids not mapped are ignored; values extracted for the file are kept'] },
    handler: (ctx, { params, body, scope }, emu) => ({
      template_id: params.template_id,
      ...emu.metadata.templates.removeNodes(scope, callerOf(ctx).user.id, params.template_id, body.node_ids),
    }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/metadata/templates/:template_id/nodes/',
    area: 'intelligence',
    summary: "A template's mapped files with their values, oldest-mapped first, within the plan's cap",
    params: templateParams,
    query: templateNodesQuery,
    access: READ,
    parity: { status: 'implemented', source: SOURCE, choices: ['sort_field sorts by a field value (missing values last); without it, oldest-mapped first'] },
    handler: (_ctx, { params, query, scope }, emu) => {
      const t = emu.metadata.templates.template(scope, params.template_id);
      const { nodes, unfiltered, limit } = emu.metadata.templates.mappedNodes(scope, t);
      let rows = nodes.map(({ node, mapping }) => {
        const values = Object.fromEntries((emu.metadata.values.row(node.id, t.id)?.values ?? []).map((v) => [v.key, v.value]));
        return { ...nodeBrief(node), node_id: node.id, source: mapping.source, autoextractable: autoextractable(node), metadata: values };
      });
      if (query.sort_field) {
        const key = query.sort_field;
        const dir = query.sort_dir === 'desc' ? -1 : 1;
        rows = [...rows].sort((a, b) => {
          const x = a.metadata[key];
          const y = b.metadata[key];
          if (x === y) return 0;
          if (x === undefined || x === null) return 1;
          if (y === undefined || y === null) return -1;
          return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
        });
      }
      const offset = query.offset ?? 0;
      if (offset > limit) throw Errors.invalidField('offset', `offset + limit cannot pass the plan's ${limit} files per template.`);
      const { page, pagination } = paginate(rows, Math.min(query.limit ?? 100, limit - offset), offset);
      return {
        nodes: page,
        plan_node_limit: limit,
        total_count: nodes.length,
        total_count_unfiltered: unfiltered,
        is_truncated: unfiltered > nodes.length,
        pagination,
      };
    },
  }),
];

/**
 * Metadata templates and their node mappings (rules; HTTP in routes.ts). Every lookup is scoped by
 * the workspace the route resolved: a template or node of another workspace answers as absent
 * (404/1609 for templates; the storage lookup's 401/404 for nodes).
 *
 * PARITY: agent guide REFERENCE "Metadata — Structured Data on Files" (plan caps: templates per
 * workspace, files per template, fields per template; `plan_node_limit`, `is_truncated`,
 * `autoextractable`; rows ordered by mapping creation), official client src/api/metadata.rs
 * (add_nodes_to_template: past the cap 400/1605 naming the cap, the count and the slots left).
 */
import { Errors } from '../http/errors.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { AuditEvents } from '../events/catalogue.js';
import type { ServiceDeps } from '../service-deps.js';
import type { StorageNode } from '../store/model.js';
import type { MetadataMapping, MetadataTemplate } from '../store/metadata-model.js';
import type { TemplateCreateInput, TemplateUpdateInput } from './schema.js';
import { oldestFirst } from '../store/order.js';

export type MetadataDeps = Pick<ServiceDeps, 'db' | 'ids' | 'now' | 'audit' | 'ledger' | 'jobs' | 'log'> & {
  /** the scoped storage lookup (a foreign id answers as the storage routes do) */
  node: (scope: WorkspaceScope, id: string) => StorageNode;
  /** the readable text of a file as pages, or null for a type the engine does not read */
  pages: (node: StorageNode) => Promise<string[] | null>;
};

export interface PlanCaps {
  templates: number;
  nodesPerTemplate: number;
  fields: number;
}

/**
 * PARITY: agent guide REFERENCE: Free=1/10/10, Agent=1/10/10, Pro=2/10/10, Business=10/1000/50.
 * CHOICE for the V2 plans the guide does not list: Solo 2/100/20, Business and Growth 10/1000/50,
 * and an unknown plan as Business.
 */
const CAPS: Record<string, PlanCaps> = {
  free: { templates: 1, nodesPerTemplate: 10, fields: 10 },
  agent: { templates: 1, nodesPerTemplate: 10, fields: 10 },
  pro: { templates: 2, nodesPerTemplate: 10, fields: 10 },
  business: { templates: 10, nodesPerTemplate: 1000, fields: 50 },
  solo_monthly: { templates: 2, nodesPerTemplate: 100, fields: 20 },
  business_v2_monthly: { templates: 10, nodesPerTemplate: 1000, fields: 50 },
  growth_monthly: { templates: 10, nodesPerTemplate: 1000, fields: 50 },
};
const DEFAULT_CAPS: PlanCaps = { templates: 10, nodesPerTemplate: 1000, fields: 50 };

export const capsOf = (planId: string): PlanCaps => CAPS[planId] ?? DEFAULT_CAPS;

const placeOf = (scope: WorkspaceScope) => ({ orgId: scope.org.id, workspaceId: scope.workspace.id });

/** A node that can carry metadata and be extracted: a live file or note whose text the index holds. */
export function autoextractable(node: StorageNode): boolean {
  return node.type !== 'folder' && node.trashed === null && node.ai.state === 'ready';
}

export class MetadataService {
  constructor(readonly d: MetadataDeps) {}

  caps(scope: WorkspaceScope): PlanCaps {
    return capsOf(scope.org.plan);
  }

  templates(scope: WorkspaceScope): MetadataTemplate[] {
    return this.d.db.metadataTemplates.find('workspace', scope.workspace.id);
  }

  template(scope: WorkspaceScope, id: string): MetadataTemplate {
    const t = this.d.db.metadataTemplates.get(id);
    if (!t || t.workspaceId !== scope.workspace.id) throw Errors.notFound('metadata template');
    return t;
  }

  private checkFields(scope: WorkspaceScope, fields: readonly unknown[]): void {
    const cap = this.caps(scope).fields;
    if (fields.length > cap) throw Errors.invalidField('fields', `This plan allows at most ${cap} fields per template (got ${fields.length}).`);
  }

  create(scope: WorkspaceScope, userId: string, input: TemplateCreateInput, copiedFrom: string | null = null): MetadataTemplate {
    const cap = this.caps(scope).templates;
    if (this.templates(scope).length >= cap) throw Errors.planLimit('metadata templates per workspace', cap);
    this.checkFields(scope, input.fields);
    const now = this.d.now();
    const t: MetadataTemplate = {
      id: this.d.ids.opaqueId('c'),
      orgId: scope.org.id,
      workspaceId: scope.workspace.id,
      name: input.name,
      description: input.description,
      category: input.category.toLowerCase(),
      fields: input.fields,
      enabled: true,
      priority: 3,
      copiedFrom,
      createdBy: userId,
      created: now,
      updated: now,
    };
    this.d.db.metadataTemplates.insert(t);
    this.d.audit.record(AuditEvents.metadataTemplateCreated(placeOf(scope), userId, t.id, { name: t.name, copied_from: copiedFrom }));
    return t;
  }

  /**
   * PARITY: REFERENCE "update": a response `schema_update` with `added_fields` and
   * `type_changed_fields`. CHOICE: the emulator re-extracts nothing on its own (no daily walker);
   * `extract-all` applies a changed schema.
   */
  update(
    scope: WorkspaceScope,
    userId: string,
    id: string,
    input: TemplateUpdateInput,
  ): { template: MetadataTemplate; added: string[]; typeChanged: string[] } {
    const t = this.template(scope, id);
    if (input.fields) this.checkFields(scope, input.fields);
    const before = new Map(t.fields.map((f) => [f.name, f.type]));
    const fields = input.fields ?? t.fields;
    const added = fields.filter((f) => !before.has(f.name)).map((f) => f.name);
    const typeChanged = fields.filter((f) => before.has(f.name) && before.get(f.name) !== f.type).map((f) => f.name);
    const next = this.d.db.metadataTemplates.update(t.id, {
      name: input.name ?? t.name,
      description: input.description ?? t.description,
      category: input.category?.toLowerCase() ?? t.category,
      fields,
      updated: this.d.now(),
    });
    this.d.audit.record(AuditEvents.metadataTemplateUpdated(placeOf(scope), userId, t.id, { added_fields: added, type_changed_fields: typeChanged }));
    return { template: next, added, typeChanged };
  }

  copy(scope: WorkspaceScope, userId: string, id: string, input: TemplateUpdateInput): MetadataTemplate {
    const t = this.template(scope, id);
    return this.create(
      scope,
      userId,
      {
        name: input.name ?? `${t.name} (copy)`.slice(0, 255),
        description: input.description ?? t.description,
        category: input.category ?? t.category,
        fields: input.fields ?? t.fields,
      },
      t.id,
    );
  }

  settings(scope: WorkspaceScope, userId: string, id: string, input: { enabled?: boolean; priority?: number }): MetadataTemplate {
    const t = this.template(scope, id);
    const next = this.d.db.metadataTemplates.update(t.id, {
      enabled: input.enabled ?? t.enabled,
      priority: input.priority ?? t.priority,
      updated: this.d.now(),
    });
    this.d.audit.record(AuditEvents.metadataTemplateUpdated(placeOf(scope), userId, t.id, { enabled: next.enabled, priority: next.priority }));
    return next;
  }

  /** Deleting a template removes its mappings, the values extracted or set for it and the views over it. */
  delete(scope: WorkspaceScope, userId: string, id: string): void {
    const t = this.template(scope, id);
    for (const m of this.d.db.metadataMappings.find('template', t.id)) this.d.db.metadataMappings.delete(m.id);
    for (const v of this.d.db.nodeMetadata.find('template', t.id)) this.d.db.nodeMetadata.delete(v.id);
    for (const v of this.d.db.metadataViews.find('workspace', scope.workspace.id)) if (v.templateId === t.id) this.d.db.metadataViews.delete(v.id);
    this.d.db.metadataTemplates.delete(t.id);
    this.d.audit.record(AuditEvents.metadataTemplateDeleted(placeOf(scope), userId, t.id, { name: t.name }));
  }

  /** The template's mappings, oldest first (the plan's window is the oldest-mapped rows). */
  mappings(t: MetadataTemplate): MetadataMapping[] {
    return oldestFirst(this.d.db.metadataMappings.find('template', t.id));
  }

  /** The template's mapped nodes that are live, oldest-mapped first, and how many the plan lets the listing show. */
  mappedNodes(scope: WorkspaceScope, t: MetadataTemplate): { nodes: { node: StorageNode; mapping: MetadataMapping }[]; unfiltered: number; limit: number } {
    const out: { node: StorageNode; mapping: MetadataMapping }[] = [];
    for (const m of this.mappings(t)) {
      const node = this.d.db.nodes.get(m.nodeId);
      if (node && node.workspaceId === scope.workspace.id && node.trashed === null) out.push({ node, mapping: m });
    }
    const limit = this.caps(scope).nodesPerTemplate;
    return { nodes: out.slice(0, limit), unfiltered: out.length, limit };
  }

  /** PARITY: client add_nodes_to_template: past the cap 400/1605 naming cap, attempted count and slots left. */
  addNodes(
    scope: WorkspaceScope,
    userId: string,
    id: string,
    nodeIds: readonly string[],
    source: MetadataMapping['source'] = 'manual',
  ): { added: string[]; already: string[] } {
    const t = this.template(scope, id);
    const nodes = [...new Set(nodeIds)].map((n) => this.d.node(scope, n));
    for (const n of nodes) if (n.type === 'folder') throw Errors.invalidField('node_ids', `Node ${n.id} is a folder: only files and notes carry metadata.`);
    const current = this.mappings(t).length;
    const fresh = nodes.filter((n) => !this.d.db.metadataMappings.has(`${t.id}:${n.id}`));
    const cap = this.caps(scope).nodesPerTemplate;
    if (current + fresh.length > cap) {
      throw Errors.invalidField(
        'node_ids',
        `This plan allows ${cap} files per template: adding ${fresh.length} to ${current} would pass it (${Math.max(0, cap - current)} slots left).`,
      );
    }
    let at = this.d.now();
    for (const n of fresh) {
      this.d.db.metadataMappings.insert({
        id: `${t.id}:${n.id}`,
        orgId: t.orgId,
        workspaceId: t.workspaceId,
        templateId: t.id,
        nodeId: n.id,
        source,
        created: at++,
      });
    }
    const added = fresh.map((n) => n.id);
    if (added.length > 0) this.d.audit.record(AuditEvents.metadataTemplateNodesAdded(placeOf(scope), userId, t.id, { node_ids: added, source }));
    return { added, already: nodes.filter((n) => !added.includes(n.id)).map((n) => n.id) };
  }

  removeNodes(scope: WorkspaceScope, userId: string, id: string, nodeIds: readonly string[]): { removed: string[] } {
    const t = this.template(scope, id);
    const removed: string[] = [];
    for (const nodeId of new Set(nodeIds)) {
      const key = `${t.id}:${nodeId}`;
      if (this.d.db.metadataMappings.has(key)) {
        this.d.db.metadataMappings.delete(key);
        removed.push(nodeId);
      }
    }
    if (removed.length > 0) this.d.audit.record(AuditEvents.metadataTemplateNodesRemoved(placeOf(scope), userId, t.id, { node_ids: removed }));
    return { removed };
  }

  /** Templates the node is mapped to (or has values for). */
  templatesOfNode(scope: WorkspaceScope, nodeId: string): MetadataTemplate[] {
    const ids = new Set<string>();
    for (const m of this.d.db.metadataMappings.find('node', nodeId)) ids.add(m.templateId);
    for (const v of this.d.db.nodeMetadata.find('node', nodeId)) if (v.templateId) ids.add(v.templateId);
    return [...ids].map((id) => this.d.db.metadataTemplates.get(id)).filter((t): t is MetadataTemplate => Boolean(t && t.workspaceId === scope.workspace.id));
  }

  /** Files and notes of the workspace that can carry extracted metadata, by name. */
  eligible(scope: WorkspaceScope): StorageNode[] {
    return this.d.db.nodes
      .find('workspace', scope.workspace.id)
      .filter(autoextractable)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
  }
}

/**
 * The metadata values on nodes: written by extraction jobs or by hand (`update/`), deleted by key
 * or all at once, with a version kept per change (April `versions/`), listed per template with
 * filters and order, and searched by value.
 *
 * PARITY: agent guide REFERENCE "Node Metadata Operations" (details split into
 * `template_metadata` and `custom_metadata`; DELETE without `keys` removes every key), client
 * 96b1551 tools.rs metadata-delete (`keys` a JSON array). CHOICE: a key that is not a field of the
 * template is stored as custom metadata; a value that does not parse as its field's type answers
 * 400/1605 naming the key; at most 20 versions are kept per node and template.
 */
import { AuditEvents } from '../events/catalogue.js';
import { Errors } from '../http/errors.js';
import { tokenize } from '../intelligence/engine/tokenize.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { StorageNode } from '../store/model.js';
import type { MetadataField, MetadataTemplate, MetadataValue, NodeMetadata } from '../store/metadata-model.js';
import { parseTyped, type ExtractedValue } from './extract.js';
import type { NodeListQuery } from './schema.js';
import type { MetadataService } from './service.js';

const VERSIONS_KEPT = 20;
const placeOf = (scope: WorkspaceScope) => ({ orgId: scope.org.id, workspaceId: scope.workspace.id });
const rowId = (nodeId: string, templateId: string | null) => `${nodeId}:${templateId ?? 'custom'}`;

function coerce(field: MetadataField, value: unknown): unknown {
  if (value === null) {
    if (!field.canBeNull) throw Errors.invalidField(field.name, `${field.name} cannot be null.`);
    return null;
  }
  let parsed: unknown;
  if (field.type === 'json') parsed = value;
  else if (typeof value === 'number' && (field.type === 'float' || (field.type === 'int' && Number.isInteger(value)))) parsed = value;
  else if (typeof value === 'boolean' && field.type === 'bool') parsed = value;
  else if (typeof value === 'string') parsed = field.type === 'string' ? value : parseTyped(field, value);
  else parsed = null;
  if (parsed === null || parsed === undefined) throw Errors.invalidField(field.name, `Expected a value of type ${field.type} for ${field.name}.`, field.type);
  if (field.fixedList && !field.fixedList.some((o) => o.toLowerCase() === String(parsed).toLowerCase()))
    throw Errors.invalidField(field.name, `Expected one of: ${field.fixedList.join(', ')}.`);
  if (typeof parsed === 'number' && ((field.min !== null && parsed < field.min) || (field.max !== null && parsed > field.max)))
    throw Errors.invalidField(field.name, `Expected a value between ${field.min ?? '-∞'} and ${field.max ?? '∞'}.`);
  return parsed;
}

export class NodeValues {
  constructor(private readonly svc: MetadataService) {}

  private get d() {
    return this.svc.d;
  }

  row(nodeId: string, templateId: string | null): NodeMetadata | undefined {
    return this.d.db.nodeMetadata.get(rowId(nodeId, templateId));
  }

  rowsOf(nodeId: string): NodeMetadata[] {
    return this.d.db.nodeMetadata.find('node', nodeId);
  }

  hasValues(nodeId: string, templateId: string): boolean {
    return this.row(nodeId, templateId)?.values.some((v) => v.value !== null) ?? false;
  }

  /** Merge `values` into the node's row for the template (a version of the row as it was is kept). */
  private put(
    scope: WorkspaceScope,
    nodeId: string,
    templateId: string | null,
    values: MetadataValue[],
    source: 'extracted' | 'manual',
    userId: string | null,
  ): NodeMetadata {
    const now = this.d.now();
    const existing = this.row(nodeId, templateId);
    const byKey = new Map((existing?.values ?? []).map((v) => [v.key, v]));
    for (const v of values) byKey.set(v.key, v);
    const merged = [...byKey.values()];
    const versions = existing
      ? [...existing.versions, { version: existing.versions.length + 1, values: merged, source, userId, created: now }]
      : [{ version: 1, values: merged, source, userId, created: now }];
    const row: NodeMetadata = {
      id: rowId(nodeId, templateId),
      orgId: scope.org.id,
      workspaceId: scope.workspace.id,
      nodeId,
      templateId,
      values: merged,
      versions: versions.slice(-VERSIONS_KEPT),
      updated: now,
    };
    if (existing) this.d.db.nodeMetadata.update(row.id, row);
    else this.d.db.nodeMetadata.insert(row);
    return row;
  }

  writeExtracted(scope: WorkspaceScope, t: MetadataTemplate, nodeId: string, found: readonly ExtractedValue[]): void {
    const now = this.d.now();
    this.put(
      scope,
      nodeId,
      t.id,
      found.map((f) => ({ key: f.key, value: f.value, source: 'extracted', citation: f.citation, updated: now })),
      'extracted',
      null,
    );
  }

  /** Manual values: template fields typed by the template, other keys custom. */
  update(
    scope: WorkspaceScope,
    userId: string,
    node: StorageNode,
    t: MetadataTemplate,
    keyValues: Record<string, unknown>,
  ): { template: NodeMetadata | undefined; custom: NodeMetadata | undefined } {
    if (node.type === 'folder') throw Errors.invalidField('node_id', 'Folders carry no metadata: send a file or note.');
    const now = this.d.now();
    const templated: MetadataValue[] = [];
    const custom: MetadataValue[] = [];
    for (const [key, raw] of Object.entries(keyValues)) {
      const field = t.fields.find((f) => f.name === key);
      if (field) templated.push({ key, value: coerce(field, raw), source: 'manual', citation: null, updated: now });
      else custom.push({ key, value: raw, source: 'manual', citation: null, updated: now });
    }
    const out = {
      template: templated.length > 0 ? this.put(scope, node.id, t.id, templated, 'manual', userId) : this.row(node.id, t.id),
      custom: custom.length > 0 ? this.put(scope, node.id, null, custom, 'manual', userId) : this.row(node.id, null),
    };
    this.d.audit.record(AuditEvents.metadataUpdated(placeOf(scope), userId, t.id, { node_id: node.id, keys: Object.keys(keyValues) }));
    return out;
  }

  /** Delete `keys` from every row of the node, or every key when none are named. */
  delete(scope: WorkspaceScope, userId: string, node: StorageNode, keys: readonly string[] | undefined): { deleted: string[] } {
    const deleted = new Set<string>();
    const now = this.d.now();
    for (const row of this.rowsOf(node.id)) {
      const keep = keys ? row.values.filter((v) => !keys.includes(v.key)) : [];
      for (const v of row.values) if (!keep.includes(v)) deleted.add(v.key);
      if (keep.length === row.values.length) continue;
      const versions = [...row.versions, { version: row.versions.length + 1, values: keep, source: 'deleted' as const, userId, created: now }].slice(
        -VERSIONS_KEPT,
      );
      this.d.db.nodeMetadata.update(row.id, { values: keep, versions, updated: now });
    }
    this.d.audit.record(AuditEvents.metadataDeleted(placeOf(scope), userId, node.id, { node_id: node.id, keys: [...deleted] }));
    return { deleted: [...deleted] };
  }

  /** The rows a template's table shows under a folder (or the one file), filtered and ordered. */
  list(scope: WorkspaceScope, under: StorageNode | 'root', t: MetadataTemplate, q: NodeListQuery): { node: StorageNode; values: Record<string, unknown> }[] {
    const within = (n: StorageNode): boolean => {
      if (under === 'root') return true;
      if (under.type !== 'folder') return n.id === under.id;
      for (let p = n.parentId; p !== 'root';) {
        if (p === under.id) return true;
        const parent = this.d.db.nodes.get(p);
        if (!parent) return false;
        p = parent.parentId;
      }
      return false;
    };
    const rows = this.svc
      .mappedNodes(scope, t)
      .nodes.filter((r) => within(r.node))
      .map(({ node }) => ({ node, values: Object.fromEntries((this.row(node.id, t.id)?.values ?? []).map((v) => [v.key, v.value])) }));
    const filters = Object.entries(q.filters ?? {});
    const kept = rows.filter((r) => filters.every(([k, want]) => String(r.values[k] ?? '').toLowerCase() === String(want).toLowerCase()));
    if (q.order_by) {
      const key = q.order_by;
      const dir = q.order_desc ? -1 : 1;
      kept.sort((a, b) => {
        const x = a.values[key];
        const y = b.values[key];
        if (x === y) return a.node.id < b.node.id ? -1 : 1;
        if (x === undefined || x === null) return 1;
        if (y === undefined || y === null) return -1;
        return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))) * dir;
      });
    }
    return kept;
  }

  /**
   * PARITY: client search_metadata: lexical keyword search over values (template and custom),
   * trashed nodes left out. CHOICE: score = matched distinct query terms over query terms, 4
   * decimals; ties by node id.
   */
  search(
    scope: WorkspaceScope,
    q: string,
    templateId: string | undefined,
  ): { node: StorageNode; score: number; matches: { template_id: string | null; key: string; value: unknown }[] }[] {
    const want = [...new Set(tokenize(q))];
    if (want.length === 0) return [];
    const byNode = new Map<string, { terms: Set<string>; matches: { template_id: string | null; key: string; value: unknown }[] }>();
    for (const row of this.d.db.nodeMetadata.find('workspace', scope.workspace.id)) {
      if (templateId && row.templateId !== templateId) continue;
      for (const v of row.values) {
        if (v.value === null || v.value === undefined) continue;
        const have = new Set(tokenize(`${v.key.replace(/_/g, ' ')} ${typeof v.value === 'string' ? v.value : JSON.stringify(v.value)}`));
        const hit = want.filter((w) => have.has(w));
        if (hit.length === 0) continue;
        const entry = byNode.get(row.nodeId) ?? { terms: new Set<string>(), matches: [] };
        hit.forEach((h) => entry.terms.add(h));
        entry.matches.push({ template_id: row.templateId, key: v.key, value: v.value });
        byNode.set(row.nodeId, entry);
      }
    }
    const out: { node: StorageNode; score: number; matches: { template_id: string | null; key: string; value: unknown }[] }[] = [];
    for (const [nodeId, e] of byNode) {
      const node = this.d.db.nodes.get(nodeId);
      if (!node || node.trashed !== null || node.workspaceId !== scope.workspace.id) continue;
      out.push({ node, score: Number((e.terms.size / want.length).toFixed(4)), matches: e.matches });
    }
    return out.sort((a, b) => b.score - a.score || (a.node.id < b.node.id ? -1 : 1));
  }
}

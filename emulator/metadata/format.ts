/**
 * The metadata area's wire shapes. PARITY: client 96b1551 src/api/metadata.rs (details objects
 * `{instance_id, object_id, template_id, node_id, template_metadata, custom_metadata,
 * autoextractable}`, bulk `{format: "multi", objects, templates, errors}`, node listing
 * `plan_node_limit`, `total_count`, `total_count_unfiltered`, `is_truncated`, row
 * `autoextractable`); agent guide REFERENCE (`field_count`, `plan_field_limit`). Other field
 * names are CHOICE in the same style.
 */
import { formatTime } from '../http/format.js';
import type { StorageNode } from '../store/model.js';
import type { MetadataField, MetadataTemplate, MetadataValue, MetadataView, NodeMetadata } from '../store/metadata-model.js';
import { autoextractable, type PlanCaps } from './service.js';

export function fieldJson(f: MetadataField): Record<string, unknown> {
  return {
    name: f.name,
    description: f.description,
    type: f.type,
    min: f.min,
    max: f.max,
    default: f.default,
    fixed_list: f.fixedList,
    can_be_null: f.canBeNull,
    autoextract: f.autoextract,
  };
}

export function templateJson(t: MetadataTemplate, caps: PlanCaps, nodeCount: number): Record<string, unknown> {
  return {
    id: t.id,
    template_id: t.id,
    name: t.name,
    description: t.description,
    category: t.category,
    fields: t.fields.map(fieldJson),
    field_count: t.fields.length,
    plan_field_limit: caps.fields,
    enabled: t.enabled,
    priority: t.priority,
    // CHOICE: the emulator ships no system templates; every template is the workspace's own
    system: false,
    custom: true,
    copied_from: t.copiedFrom,
    node_count: Math.min(nodeCount, caps.nodesPerTemplate),
    plan_node_limit: caps.nodesPerTemplate,
    created: formatTime(t.created),
    updated: formatTime(t.updated),
  };
}

export function valueJson(v: MetadataValue, field?: MetadataField): Record<string, unknown> {
  return {
    key: v.key,
    value: v.value,
    ...(field ? { type: field.type } : {}),
    source: v.source,
    citation: v.citation,
    updated: formatTime(v.updated),
  };
}

/** A node's details object: the values of its (first) template and its custom values. */
export function detailsJson(node: StorageNode, templates: readonly MetadataTemplate[], rows: readonly NodeMetadata[]): Record<string, unknown> {
  const primary = templates[0] ?? null;
  const templated = rows.filter((r) => r.templateId !== null);
  const custom = rows.find((r) => r.templateId === null);
  const template_metadata = templated.flatMap((r) => {
    const t = templates.find((x) => x.id === r.templateId);
    return r.values.map((v) => ({
      ...valueJson(
        v,
        t?.fields.find((f) => f.name === v.key),
      ),
      template_id: r.templateId,
    }));
  });
  return {
    instance_id: primary ? `${node.id}:${primary.id}` : node.id,
    object_id: node.id,
    node_id: node.id,
    template_id: primary?.id ?? null,
    template_ids: templates.map((t) => t.id),
    template_metadata,
    custom_metadata: (custom?.values ?? []).map((v) => valueJson(v)),
    autoextractable: autoextractable(node),
    updated: formatTime(Math.max(0, ...rows.map((r) => r.updated)) || null),
  };
}

export function nodeBrief(n: StorageNode): Record<string, unknown> {
  return { id: n.id, name: n.name, type: n.type, parent: n.parentId, size: n.size, mimetype: n.mimetype, ai_state: n.ai.state, updated: formatTime(n.updated) };
}

export function viewJson(v: MetadataView): Record<string, unknown> {
  return {
    id: v.id,
    view_id: v.id,
    template_id: v.templateId,
    node_id: v.nodeId,
    name: v.name,
    filters: v.filters,
    order_by: v.orderBy,
    order_desc: v.orderDesc,
    created: formatTime(v.created),
    updated: formatTime(v.updated),
  };
}

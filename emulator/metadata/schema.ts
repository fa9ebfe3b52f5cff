/**
 * Input schemas of the metadata area. PARITY: official client 96b1551 and 41dde01
 * src/api/metadata.rs (validators: name 255, category 50, template description 1,000,
 * preview/suggest description 2,000, user_context 64 letters/numbers/spaces, suggest node_ids
 * 1-25, search q 1,024, limit 1-100, offset+limit 10,000, export parent_node_id 64) and the agent
 * guide REFERENCE "Field Definition Structure" (field types, min, max, default, fixed_list,
 * can_be_null). Bodies come as forms (the client's) or JSON; JSON-valued fields are JSON text in
 * a form, or the value itself in JSON.
 */
import { z } from 'zod';
import { formBool, formInt, lazy, paginationQuery, text } from '../http/schema.js';
import { opaqueId } from '../storage/schema.js';
import { METADATA_FIELD_TYPES, type MetadataField } from '../store/metadata-model.js';

export const TEMPLATE_NAME_MAX = 255;
export const CATEGORY_MAX = 50;
export const TEMPLATE_DESCRIPTION_MAX = 1000;
export const PROPOSAL_DESCRIPTION_MAX = 2000;
export const SUGGEST_NODE_IDS_MAX = 25;
export const BULK_DETAILS_MAX = 25;
export const SEARCH_QUERY_MAX = 1024;
export const SEARCH_DEEP_PAGE_MAX = 10_000;
/** PARITY: agent guide REFERENCE "Architecture": the categories templates are grouped by. */
export const TEMPLATE_CATEGORIES = [
  'legal',
  'financial',
  'business',
  'medical',
  'technical',
  'engineering',
  'insurance',
  'educational',
  'multimedia',
  'hr',
] as const;
/** PARITY: agent guide REFERENCE "Template Management": the list sub-paths. */
export const LIST_FILTERS = ['all', 'custom', 'system', 'enabled', 'disabled'] as const;

const workspaceId = () => z.string().min(1).max(100);
export const templateId = () => opaqueId('c', 'a template id');
const nodeId = () => opaqueId('2', 'a node id');

/** A JSON value sent as JSON, or as JSON text inside a form. */
function jsonText<S extends z.ZodType>(what: string, inner: S) {
  return z
    .unknown()
    .transform((v, ctx) => {
      if (typeof v !== 'string') return v;
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: `Expected ${what} as JSON.` });
        return z.NEVER;
      }
    })
    .pipe(inner);
}

const fieldSchema = () =>
  z.object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_ -]+$/, 'Expected a field name of letters, digits, underscores, spaces or hyphens.'),
    description: z.string().max(1000).optional(),
    type: z.enum(METADATA_FIELD_TYPES).default('string'),
    min: z.number().nullable().optional(),
    max: z.number().nullable().optional(),
    default: z.unknown().optional(),
    fixed_list: z
      .array(z.union([z.string(), z.number()]).transform(String))
      .max(100)
      .nullable()
      .optional(),
    can_be_null: z.boolean().optional(),
    autoextract: z.boolean({ message: 'Expected autoextract as a boolean.' }).optional(),
  });

function toField(f: z.output<ReturnType<typeof fieldSchema>>): MetadataField {
  return {
    name: f.name,
    description: f.description ?? '',
    type: f.type,
    min: f.min ?? null,
    max: f.max ?? null,
    default: f.default ?? null,
    fixedList: f.fixed_list && f.fixed_list.length > 0 ? f.fixed_list : null,
    canBeNull: f.can_be_null ?? true,
    autoextract: f.autoextract ?? true,
  };
}

/** PARITY: client validate_fields: a non-empty array of objects; at least one autoextract field (1605). */
const fieldsSchema = () =>
  jsonText(
    'fields',
    z
      .array(fieldSchema(), { message: 'Expected fields as a JSON array of column definitions.' })
      .min(1, 'Expected at least one column definition.')
      .max(200)
      .refine((fs) => fs.some((f) => f.autoextract !== false), 'At least one field must have autoextract true (or omit the key).')
      .refine((fs) => new Set(fs.map((f) => f.name.toLowerCase())).size === fs.length, 'Field names must be unique.')
      .transform((fs) => fs.map(toField)),
  );

const idList = (max: number) =>
  z
    .union([z.array(z.string()), z.string()])
    .transform((v, ctx) => {
      if (Array.isArray(v)) return v;
      const s = v.trim();
      if (s.startsWith('[')) {
        try {
          const parsed = JSON.parse(s) as unknown;
          if (Array.isArray(parsed)) return parsed.map(String);
        } catch {
          /* reported below */
        }
        ctx.addIssue({ code: 'custom', message: 'Expected a JSON array of node ids.' });
        return z.NEVER;
      }
      return s.split(',');
    })
    .transform((ids) => ids.map((s) => s.trim()).filter((s) => s.length > 0))
    .pipe(z.array(nodeId()).min(1, 'Expected at least one node id.').max(max, `Expected at most ${max} node ids.`));

const fieldNames = () =>
  jsonText('fields', z.array(z.string().trim().min(1, 'Field names must not be empty.')).min(1, 'Expected at least one field name.').max(200));

export const workspaceMetaParams = lazy(() => z.object({ workspace_id: workspaceId() }));
export const templateParams = lazy(() => z.object({ workspace_id: workspaceId(), template_id: templateId() }));
export const listFilterParams = lazy(() => z.object({ workspace_id: workspaceId(), filter: z.enum(LIST_FILTERS) }));
export const nodeMetaParams = lazy(() => z.object({ workspace_id: workspaceId(), node_id: nodeId() }));
export const nodeTemplateParams = lazy(() => z.object({ workspace_id: workspaceId(), node_id: nodeId(), template_id: templateId() }));
/** The catalogue names this segment `:id1` (one id, or ids joined by commas); the router shares `:node_id` at that place. */
export const detailsParams = lazy(() => z.object({ workspace_id: workspaceId(), node_id: z.string().min(1).max(2000) }));
export const viewParams = lazy(() =>
  z.object({ workspace_id: workspaceId(), node_id: z.union([z.literal('root'), nodeId()]), template_id: z.string().min(1).max(100) }),
);
export const viewNodeParams = lazy(() => z.object({ workspace_id: workspaceId(), node_id: z.union([z.literal('root'), nodeId()]) }));

export const templateCreateBody = lazy(() =>
  z.object({
    name: text({ min: 1, max: TEMPLATE_NAME_MAX }),
    description: text({ min: 1, max: TEMPLATE_DESCRIPTION_MAX }),
    category: text({ min: 1, max: CATEGORY_MAX }),
    fields: fieldsSchema(),
  }),
);
export type TemplateCreateInput = z.output<ReturnType<typeof templateCreateBody>>;

export const templateUpdateBody = lazy(() =>
  z.object({
    name: text({ min: 1, max: TEMPLATE_NAME_MAX }).optional(),
    description: text({ min: 1, max: TEMPLATE_DESCRIPTION_MAX }).optional(),
    category: text({ min: 1, max: CATEGORY_MAX }).optional(),
    fields: fieldsSchema().optional(),
  }),
);
export type TemplateUpdateInput = z.output<ReturnType<typeof templateUpdateBody>>;

export const templateDeleteQuery = lazy(() => z.object({ template_id: templateId() }));
export const settingsBody = lazy(() => z.object({ enabled: formBool().optional(), priority: formInt({ min: 1, max: 5 }).optional() }));
export const nodeIdsBody = lazy(() => z.object({ node_ids: idList(1000) }));
export const autoMatchBody = lazy(() => z.object({ batch_size: formInt({ min: 1, max: 100_000 }).optional() }));
export const extractAllBody = lazy(() => z.object({ fields: fieldNames().optional(), force: formBool().optional() }));
export const extractBody = lazy(() => z.object({ template_id: z.string().trim().max(100).optional(), fields: fieldNames().optional() }));
export const previewMatchBody = lazy(() =>
  z.object({ name: text({ min: 1, max: TEMPLATE_NAME_MAX }), description: text({ min: 1, max: PROPOSAL_DESCRIPTION_MAX }) }),
);
export const suggestBody = lazy(() =>
  z.object({
    node_ids: idList(SUGGEST_NODE_IDS_MAX),
    description: text({ min: 1, max: PROPOSAL_DESCRIPTION_MAX }),
    user_context: z
      .string()
      .max(64)
      .regex(/^[\p{L}\p{N}\p{Zs}]*$/u, 'Expected letters, numbers and spaces only.')
      .optional(),
  }),
);
export const keyValuesBody = lazy(() =>
  z.object({
    key_values: jsonText(
      'key_values',
      z.record(z.string().min(1).max(64), z.unknown()).refine((o) => Object.keys(o).length > 0, 'Expected at least one key.'),
    ),
  }),
);
export const deleteKeysQuery = lazy(() => z.object({ keys: jsonText('keys', z.array(z.string().min(1).max(64)).min(1)).optional() }));
export const nodeListQuery = lazy(() =>
  z.object({
    filters: jsonText('filters', z.record(z.string(), z.unknown())).optional(),
    order_by: z.string().max(64).optional(),
    order_desc: formBool().optional(),
    ...paginationQuery,
  }),
);
export type NodeListQuery = z.output<ReturnType<typeof nodeListQuery>>;
export const templateNodesQuery = lazy(() =>
  z
    .object({ ...paginationQuery, sort_field: z.string().max(64).optional(), sort_dir: z.enum(['asc', 'desc']).optional() })
    .refine((q) => q.sort_dir === undefined || q.sort_field !== undefined, { message: 'sort_dir requires sort_field.', path: ['sort_dir'] }),
);
export const eligibleQuery = lazy(() => z.object({ ...paginationQuery }));
export const searchQuery = lazy(() =>
  z
    .object({
      q: text({ min: 1, max: SEARCH_QUERY_MAX }),
      template_id: templateId().optional(),
      limit: formInt({ min: 1, max: 100 }).optional(),
      offset: formInt({ min: 0 }).optional(),
    })
    .refine((q) => (q.offset ?? 0) + (q.limit ?? 100) <= SEARCH_DEEP_PAGE_MAX, {
      message: `offset + limit must not exceed ${SEARCH_DEEP_PAGE_MAX}.`,
      path: ['offset'],
    }),
);
export const viewBody = lazy(() =>
  z.object({
    name: text({ min: 1, max: 100 }).optional(),
    template_id: templateId().optional(),
    filters: jsonText('filters', z.record(z.string(), z.unknown())).optional(),
    order_by: z.string().max(64).optional(),
    order_desc: formBool().optional(),
  }),
);
export type ViewInput = z.output<ReturnType<typeof viewBody>>;
export const exportBody = lazy(() => z.object({ parent_node_id: z.string().trim().max(64).optional() }));

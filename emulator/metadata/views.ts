/**
 * Saved views (April: saved on a folder node, per member) and the view export.
 *
 * PARITY: agent guide REFERENCE "Saved Views" (filter and sort over a template's rows, per
 * member), client 41dde01 tools.rs metadata-view-save (`name`, `template_id`, `filters`,
 * `order_by`, `order_desc`; `view/{view_id}/` updates one), client src/api/metadata.rs export_view
 * (async, `status: "queued"` with `job_id` and the file name, `duplicate` without job_id while one
 * runs for the same member, template and folder; the TSV lands in `parent_node_id`, root when
 * absent). CHOICE: with no saved view of the member for the template, the export uses the
 * template's whole table (V2 documents no route that saves one); the TSV is written with
 * csv-stringify (tab-delimited, a header row of node_id, name and the template's fields).
 */
import { AuditEvents } from '../events/catalogue.js';
import { Errors } from '../http/errors.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { User } from '../store/model.js';
import type { MetadataView } from '../store/metadata-model.js';
import type { ViewInput } from './schema.js';
import type { MetadataService } from './service.js';
import type { NodeValues } from './values.js';

export interface ExportDeps {
  folder: (scope: WorkspaceScope, ref: string) => string;
  store: (user: User, scope: WorkspaceScope, parentId: string, name: string, bytes: Buffer) => void;
}

const placeOf = (scope: WorkspaceScope) => ({ orgId: scope.org.id, workspaceId: scope.workspace.id });

export class MetadataViews {
  private readonly exporting = new Set<string>();

  constructor(
    private readonly svc: MetadataService,
    private readonly values: NodeValues,
  ) {}

  private get d() {
    return this.svc.d;
  }

  mine(scope: WorkspaceScope, userId: string, nodeId?: string): MetadataView[] {
    return this.d.db.metadataViews.find('workspace', scope.workspace.id).filter((v) => v.userId === userId && (nodeId === undefined || v.nodeId === nodeId));
  }

  /** A view of the member's by its id, or the member's view of a template on the node. */
  find(scope: WorkspaceScope, userId: string, nodeId: string, ref: string): MetadataView {
    const views = this.mine(scope, userId, nodeId);
    const v = views.find((x) => x.id === ref) ?? views.find((x) => x.templateId === ref);
    if (!v) throw Errors.notFound('saved view');
    return v;
  }

  save(scope: WorkspaceScope, userId: string, nodeId: string, ref: string | undefined, input: ViewInput): MetadataView {
    const now = this.d.now();
    const existing = ref
      ? this.find(scope, userId, nodeId, ref)
      : input.template_id
        ? this.mine(scope, userId, nodeId).find((v) => v.templateId === input.template_id)
        : undefined;
    if (existing) {
      if (input.template_id && input.template_id !== existing.templateId) this.svc.template(scope, input.template_id);
      const next = this.d.db.metadataViews.update(existing.id, {
        name: input.name ?? existing.name,
        templateId: input.template_id ?? existing.templateId,
        filters: input.filters ?? existing.filters,
        orderBy: input.order_by ?? existing.orderBy,
        orderDesc: input.order_desc ?? existing.orderDesc,
        updated: now,
      });
      this.d.audit.record(AuditEvents.metadataViewSaved(placeOf(scope), userId, next.id, { template_id: next.templateId }));
      return next;
    }
    if (!input.template_id) throw Errors.missingField('template_id');
    const t = this.svc.template(scope, input.template_id);
    const view: MetadataView = {
      id: this.d.ids.opaqueId('c'),
      orgId: scope.org.id,
      workspaceId: scope.workspace.id,
      userId,
      nodeId,
      templateId: t.id,
      name: input.name ?? t.name.slice(0, 100),
      filters: input.filters ?? {},
      orderBy: input.order_by ?? null,
      orderDesc: input.order_desc ?? false,
      created: now,
      updated: now,
    };
    this.d.db.metadataViews.insert(view);
    this.d.audit.record(AuditEvents.metadataViewSaved(placeOf(scope), userId, view.id, { template_id: t.id }));
    return view;
  }

  delete(scope: WorkspaceScope, userId: string, nodeId: string, ref: string): void {
    const v = this.find(scope, userId, nodeId, ref);
    this.d.db.metadataViews.delete(v.id);
    this.d.audit.record(AuditEvents.metadataViewDeleted(placeOf(scope), userId, v.id, { template_id: v.templateId }));
  }

  async export(scope: WorkspaceScope, user: User, templateId: string, parentRef: string | undefined, deps: ExportDeps): Promise<Record<string, unknown>> {
    const t = this.svc.template(scope, templateId);
    const parentId = deps.folder(scope, parentRef ?? 'root');
    const key = `${scope.workspace.id}:${user.id}:${t.id}:${parentId}`;
    if (this.exporting.has(key)) return { status: 'duplicate', template_id: t.id };
    const view = this.mine(scope, user.id).find((v) => v.templateId === t.id);
    const filters = (view?.filters && typeof view.filters === 'object' ? view.filters : {}) as Record<string, unknown>;
    const rows = this.values.list(scope, 'root', t, { filters, order_by: view?.orderBy ?? undefined, order_desc: view?.orderDesc ?? false });
    const { stringify } = await import('csv-stringify/sync');
    const header = ['node_id', 'name', ...t.fields.map((f) => f.name)];
    const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
    const tsv = stringify([header, ...rows.map((r) => [r.node.id, r.node.name, ...t.fields.map((f) => cell(r.values[f.name]))])], { delimiter: '\t' });
    const stamp = new Date(this.d.now())
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const filename = `${t.name.replace(/[\\/:*?"<>|]+/g, '_').slice(0, 100)}-${stamp}.tsv`;
    const jobId = this.d.ids.opaqueId('9');
    this.exporting.add(key);
    this.d.jobs.after((alive) => {
      this.exporting.delete(key);
      if (!alive()) return;
      deps.store(user, scope, parentId, filename, Buffer.from(tsv, 'utf8'));
    });
    return { status: 'queued', job_id: jobId, filename, template_id: t.id, parent_node_id: parentId, rows: rows.length };
  }
}

/**
 * The metadata area's AI work, local and deterministic: extraction for one node and for every node
 * of a template (jobs of the emulator's queue), auto-match, preview-match and suggest-fields, all
 * from the documents' own text (extract.ts).
 *
 * PARITY: client 96b1551 src/api/metadata.rs: extract answers at once with `{job_id, template_id,
 * node_id, fields, status, status_uri}` and the values appear in details when the job completes;
 * the same (node, template, fields) in flight answers the existing job_id; a full-row call whose
 * scope is empty (every field autoextract false) enqueues nothing; extract-all skips nodes that
 * have values unless `force`, at most 1,000 nodes per job; auto-match answers `{job_id, status}`
 * (`duplicate` without job_id while one runs for the template) and caps at the plan's node limit.
 * CHOICE: credits are AI tokens (1 credit per 100, as chat): the text read plus the values
 * written, charged when the request is accepted, so an org out of credits is answered 402/1696 and
 * nothing is queued. Job records are kept in memory (a restart forgets finished jobs).
 */
import { CREDIT_COSTS } from '../billing/ledger.js';
import { AuditEvents } from '../events/catalogue.js';
import { Errors } from '../http/errors.js';
import { countTokens } from '../intelligence/engine/answer.js';
import { chunkPages, type Passage } from '../intelligence/engine/chunk.js';
import { tokenize } from '../intelligence/engine/tokenize.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { StorageNode } from '../store/model.js';
import type { MetadataField, MetadataTemplate } from '../store/metadata-model.js';
import { extractValues, inferType, labelledLines, type ExtractedValue } from './extract.js';
import { autoextractable, type MetadataService } from './service.js';
import type { NodeValues } from './values.js';

export const EXTRACT_ALL_MAX = 1000;

/** CHOICE: words of a proposal that say nothing about a file's content. */
const STOP_WORDS = new Set([
  'the',
  'and',
  'for',
  'with',
  'from',
  'that',
  'this',
  'are',
  'all',
  'any',
  'each',
  'files',
  'file',
  'documents',
  'document',
  'template',
  'about',
  'into',
  'our',
  'your',
  'their',
]);

export interface MetadataJob {
  job_id: string;
  kind: 'single' | 'batch' | 'match';
  workspaceId: string;
  template_id: string;
  node_id: string | null;
  fields: string[];
  status: 'queued' | 'in_progress' | 'completed' | 'errored';
  progress_percent: number;
  error_message: string | null;
  created: number;
  updated: number;
}

interface Read {
  node: StorageNode;
  passages: Passage[];
  tokens: number;
}

const placeOf = (scope: WorkspaceScope) => ({ orgId: scope.org.id, workspaceId: scope.workspace.id });

export class MetadataExtraction {
  private readonly jobs = new Map<string, MetadataJob>();
  /** `${nodeId|template}:${templateId}:${fields}` -> job id, while queued */
  private readonly inFlight = new Map<string, string>();

  constructor(
    private readonly svc: MetadataService,
    private readonly values: NodeValues,
  ) {}

  private get d() {
    return this.svc.d;
  }

  job(id: string): MetadataJob | undefined {
    return this.jobs.get(id);
  }

  /** The workspace's metadata jobs, newest first. */
  jobsOf(workspaceId: string): MetadataJob[] {
    return [...this.jobs.values()].filter((j) => j.workspaceId === workspaceId).reverse();
  }

  private async read(node: StorageNode): Promise<Read> {
    const pages = (await this.d.pages(node)) ?? [];
    return { node, passages: chunkPages(pages), tokens: countTokens(pages.join('\n')) + countTokens(node.name) };
  }

  /** Charge the AI tokens of the work (402/1696 past the budget, nothing recorded). */
  private charge(scope: WorkspaceScope, userId: string, tokens: number, objectId: string | null): number {
    const credits = (tokens / 100) * CREDIT_COSTS.aiTokensPer100;
    this.d.ledger.charge(scope.org, { kind: 'ai_tokens', units: tokens, credits, workspaceId: scope.workspace.id, objectId, userId });
    return credits;
  }

  private newJob(scope: WorkspaceScope, kind: MetadataJob['kind'], templateId: string, nodeId: string | null, fields: string[]): MetadataJob {
    const now = this.d.now();
    const job: MetadataJob = {
      job_id: this.d.ids.opaqueId('9'),
      kind,
      workspaceId: scope.workspace.id,
      template_id: templateId,
      node_id: nodeId,
      fields,
      status: 'queued',
      progress_percent: 0,
      error_message: null,
      created: now,
      updated: now,
    };
    this.jobs.set(job.job_id, job);
    return job;
  }

  private end(job: MetadataJob, status: 'completed' | 'errored', message: string | null = null): void {
    Object.assign(job, { status, progress_percent: status === 'completed' ? 100 : job.progress_percent, error_message: message, updated: this.d.now() });
  }

  /** The fields a call extracts: the named ones (manual override, opted-out included), else the autoextract ones. */
  private scopeOf(t: MetadataTemplate, names: readonly string[] | undefined): MetadataField[] {
    if (!names) return t.fields.filter((f) => f.autoextract);
    const unknown = names.filter((n) => !t.fields.some((f) => f.name === n));
    if (unknown.length > 0) throw Errors.invalidField('fields', `Not fields of template ${t.id}: ${unknown.join(', ')}.`);
    return t.fields.filter((f) => names.includes(f.name));
  }

  async extractNode(
    scope: WorkspaceScope,
    userId: string,
    nodeId: string,
    templateId: string | undefined,
    names: string[] | undefined,
  ): Promise<Record<string, unknown>> {
    const node = this.d.node(scope, nodeId);
    if (!autoextractable(node)) {
      throw Errors.invalidField(
        'node_id',
        'This node cannot be extracted: it must be a file or note of this workspace whose text intelligence has read (ai state ready).',
      );
    }
    const t = templateId ? this.svc.template(scope, templateId) : this.svc.templatesOfNode(scope, node.id)[0];
    if (!t) throw Errors.invalidField('template_id', 'This file is mapped to no template: send template_id or add the file to a template first.');
    const fields = this.scopeOf(t, names);
    const base = { template_id: t.id, node_id: node.id, fields: fields.map((f) => f.name) };
    if (fields.length === 0) return { ...base, status: 'skipped' };
    const key = `${node.id}:${t.id}:${base.fields.join(',')}`;
    const running = this.inFlight.get(key);
    if (running) return { ...base, job_id: running, status: 'queued', status_uri: statusUri(scope) };
    const read = await this.read(node);
    const found = extractValues(fields, read.passages);
    this.charge(scope, userId, read.tokens + countTokens(JSON.stringify(found)), node.id);
    const job = this.newJob(scope, 'single', t.id, node.id, base.fields);
    this.inFlight.set(key, job.job_id);
    this.d.jobs.after((alive) => {
      this.inFlight.delete(key);
      if (!alive()) return;
      this.write(scope, userId, t, node.id, found, job);
    });
    return { ...base, job_id: job.job_id, status: 'queued', status_uri: statusUri(scope) };
  }

  private write(scope: WorkspaceScope, userId: string, t: MetadataTemplate, nodeId: string, found: ExtractedValue[], job: MetadataJob): void {
    const node = this.d.db.nodes.get(nodeId);
    if (!node || node.trashed !== null || !this.d.db.metadataTemplates.has(t.id)) return this.end(job, 'errored', 'The file or the template is gone.');
    this.values.writeExtracted(scope, t, nodeId, found);
    this.end(job, 'completed');
    this.d.audit.record(AuditEvents.metadataExtracted(placeOf(scope), userId, t.id, { node_id: nodeId, job_id: job.job_id, fields: found.map((f) => f.key) }));
  }

  async extractAll(scope: WorkspaceScope, userId: string, templateId: string, names: string[] | undefined, force: boolean): Promise<Record<string, unknown>> {
    const t = this.svc.template(scope, templateId);
    const fields = this.scopeOf(t, names);
    const targets = this.svc
      .mappedNodes(scope, t)
      .nodes.map((r) => r.node)
      .filter(autoextractable)
      .filter((n) => force || !this.values.hasValues(n.id, t.id))
      .slice(0, EXTRACT_ALL_MAX);
    const reads: Read[] = [];
    for (const n of targets) reads.push(await this.read(n));
    const results = reads.map((r) => ({ nodeId: r.node.id, found: extractValues(fields, r.passages) }));
    if (results.length > 0) this.charge(scope, userId, reads.reduce((s, r) => s + r.tokens, 0) + countTokens(JSON.stringify(results)), t.id);
    const job = this.newJob(
      scope,
      'batch',
      t.id,
      null,
      fields.map((f) => f.name),
    );
    this.d.jobs.after((alive) => {
      if (!alive()) return;
      for (const r of results) this.write(scope, userId, t, r.nodeId, r.found, { ...job });
      this.end(job, 'completed');
    });
    return { job_id: job.job_id, template_id: t.id, status: 'queued', node_count: results.length, fields: job.fields, status_uri: statusUri(scope) };
  }

  /** Eligible nodes scored against words: how many distinct words of the proposal each one's name and text hold. */
  private async score(
    scope: WorkspaceScope,
    words: string,
  ): Promise<{ scored: { node: StorageNode; score: number; terms: string[] }[]; tokens: number; eligible: number }> {
    const want = [...new Set(tokenize(words))].filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
    const eligible = this.svc.eligible(scope);
    const scored: { node: StorageNode; score: number; terms: string[] }[] = [];
    let tokens = countTokens(words);
    for (const node of eligible) {
      const read = await this.read(node);
      tokens += read.tokens;
      const have = new Set(tokenize(`${node.name}\n${read.passages.map((p) => p.text).join('\n')}`));
      const terms = want.filter((w) => have.has(w));
      if (terms.length > 0) scored.push({ node, score: Number((terms.length / Math.max(1, want.length)).toFixed(4)), terms });
    }
    scored.sort((a, b) => b.score - a.score || (a.node.id < b.node.id ? -1 : 1));
    return { scored, tokens, eligible: eligible.length };
  }

  async previewMatch(scope: WorkspaceScope, userId: string, name: string, description: string): Promise<Record<string, unknown>> {
    const { scored, tokens, eligible } = await this.score(scope, `${name}\n${description}`);
    this.charge(scope, userId, tokens, null);
    const limit = this.svc.caps(scope).nodesPerTemplate;
    return {
      matched_files: scored.map((s) => ({ node_id: s.node.id, name: s.node.name, score: s.score, matched_terms: s.terms })),
      total_eligible: eligible,
      total_scanned: eligible,
      total_matched: scored.length,
      plan_node_limit: limit,
      would_truncate_at: Math.min(scored.length, limit),
    };
  }

  async autoMatch(scope: WorkspaceScope, userId: string, templateId: string): Promise<Record<string, unknown>> {
    const t = this.svc.template(scope, templateId);
    const key = `template:${t.id}`;
    if (this.inFlight.has(key)) return { status: 'duplicate' };
    const words = [t.name, t.description, ...t.fields.flatMap((f) => [f.name.replace(/_/g, ' '), ...(f.fixedList ?? [])])].join('\n');
    const { scored, tokens } = await this.score(scope, words);
    this.charge(scope, userId, tokens, t.id);
    const room = Math.max(0, this.svc.caps(scope).nodesPerTemplate - this.svc.mappings(t).length);
    const picks = scored.filter((s) => !this.d.db.metadataMappings.has(`${t.id}:${s.node.id}`)).slice(0, room);
    const job = this.newJob(scope, 'match', t.id, null, []);
    this.inFlight.set(key, job.job_id);
    this.d.jobs.after((alive) => {
      this.inFlight.delete(key);
      if (!alive() || !this.d.db.metadataTemplates.has(t.id)) return this.end(job, 'errored', 'The template is gone.');
      const live = picks.map((p) => p.node.id).filter((id) => this.d.db.nodes.get(id)?.trashed === null);
      if (live.length > 0) this.svc.addNodes(scope, userId, t.id, live, 'auto_match');
      this.end(job, 'completed');
    });
    return { job_id: job.job_id, status: 'queued', template_id: t.id };
  }

  /** The workspace's templates ranked for one file (template_select): mapped ones first, then by the share of their words the file holds. */
  async rankTemplates(scope: WorkspaceScope, node: StorageNode): Promise<Record<string, unknown>[]> {
    const read = await this.read(node);
    const have = new Set(tokenize(`${node.name}\n${read.passages.map((p) => p.text).join('\n')}`));
    const mapped = new Set(this.svc.templatesOfNode(scope, node.id).map((t) => t.id));
    return this.svc
      .templates(scope)
      .map((t) => {
        const want = [...new Set(tokenize([t.name, t.description, ...t.fields.map((f) => f.name.replace(/_/g, ' '))].join('\n')))].filter(
          (w) => w.length >= 3 && !STOP_WORDS.has(w),
        );
        const score = want.length === 0 ? 0 : Number((want.filter((w) => have.has(w)).length / want.length).toFixed(4));
        return { template_id: t.id, name: t.name, category: t.category, mapped: mapped.has(t.id), score };
      })
      .sort((a, b) => Number(b.mapped) - Number(a.mapped) || b.score - a.score || (a.template_id < b.template_id ? -1 : 1));
  }

  /** PARITY: client suggest_fields: 1-10 columns shaped as create-template's `fields`, each with a display-only `example_value`. */
  async suggestFields(scope: WorkspaceScope, userId: string, nodeIds: readonly string[], description: string): Promise<Record<string, unknown>> {
    const nodes = [...new Set(nodeIds)].map((id) => this.d.node(scope, id));
    let tokens = countTokens(description);
    const labels = new Map<string, { label: string; value: string; count: number }>();
    const texts: Passage[] = [];
    for (const node of nodes) {
      if (node.type === 'folder') throw Errors.invalidField('node_ids', `Node ${node.id} is a folder: send files or notes.`);
      const read = await this.read(node);
      tokens += read.tokens;
      texts.push(...read.passages);
      for (const p of read.passages)
        for (const l of labelledLines(p.text)) {
          const key = snake(l.label);
          const seen = labels.get(key);
          if (seen) seen.count++;
          else labels.set(key, { ...l, count: 1 });
        }
    }
    const fields: Record<string, unknown>[] = [...labels.entries()]
      .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
      .slice(0, 10)
      .map(([name, l]) => ({
        name,
        type: inferType(l.value),
        description: `The ${l.label.toLowerCase()} stated in the document.`,
        autoextract: true,
        example_value: l.value,
      }));
    if (fields.length === 0) fields.push(...fallbackFields(texts));
    this.charge(scope, userId, tokens + countTokens(JSON.stringify(fields)), null);
    return { suggested_fields: fields };
  }
}

function statusUri(scope: WorkspaceScope): string {
  return `/current/workspace/${scope.workspace.id}/jobs/status/`;
}

function snake(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 64) || 'field'
  );
}

/** Without labelled lines: a column per kind of value the text holds (dates, amounts, identifiers, names), else a title. */
function fallbackFields(passages: readonly Passage[]): Record<string, unknown>[] {
  const probe = (name: string, type: MetadataField['type'], description: string) => {
    const field: MetadataField = { name, type, description, min: null, max: null, default: null, fixedList: null, canBeNull: true, autoextract: true };
    const [hit] = extractValues([field], passages);
    return hit && hit.value !== null ? { name, type, description, autoextract: true, example_value: hit.value } : null;
  };
  const out = [
    probe('document_date', 'datetime', 'The main date of the document.'),
    probe('total_amount', 'float', 'The main amount the document states.'),
    probe('reference_number', 'string', 'The identifier of the document (invoice, contract or case number).'),
    probe('party_name', 'string', 'The person or organisation the document names first.'),
  ].filter((f): f is NonNullable<typeof f> => f !== null);
  if (out.length === 0) {
    const first =
      passages[0]?.text
        .split('\n')
        .find((l) => l.trim().length > 0)
        ?.trim() ?? '';
    out.push({ name: 'title', type: 'string', description: 'The title of the document.', autoextract: true, example_value: first.slice(0, 120) });
  }
  return out;
}

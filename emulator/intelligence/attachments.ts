/**
 * Chat attachments (`subjects` in V2, the guide's `files_attach`): files a chat answers from
 * directly, read from their stored bytes on each message, WITHOUT ingestion. PARITY: agent guide
 * v2.6 "AI chat (Ripley) mechanics": no intelligence required, at most 20 files and 200 MB, files
 * only (a folder answers 406), only files the AI can read (`ai.attach`), and `citations` is always
 * empty in this mode. Each attachment is resolved in THIS workspace (storage's scoped lookup), so
 * another workspace's node answers as it does everywhere else (401/115069).
 */
import { ApiError, Codes, Errors } from '../http/errors.js';
import { normalizeOpaqueId } from '../store/ids.js';
import type { StorageNode } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { buildAnswer, countTokens, type Answer } from './engine/answer.js';
import { chunkPages } from './engine/chunk.js';
import { classifyDocument } from './engine/document-types.js';
import { extractDocument } from './engine/extract.js';
import { WorkspaceSearchIndex } from './engine/search-index.js';
import type { IntelligenceDeps } from './service.js';

export interface AttachmentRef {
  nodeId: string;
  /** '' = the current version */
  versionId: string;
  folder: boolean;
}

/** A resolved attachment: the node, read at its current version. */
export interface Attached {
  node: StorageNode;
  versionId: string;
}

export const MAX_ATTACHMENTS = 20;
export const MAX_ATTACHMENT_BYTES = 200 * 1024 * 1024;
/** PARITY: CHOICE, as many passages as a RAG answer reads (chat.ts CHAT_CONTEXT_PASSAGES). */
const ATTACHMENT_PASSAGES = 8;

/** PARITY: CHOICE. Code 1605 with HTTP 406 (the guide gives the status only). */
function notAttachable(text: string): ApiError {
  return new ApiError(406, Codes.invalidInput, text);
}

/** Stored form of an attachment list: `nodeId:versionId,...` (versions resolved). */
export function attachmentsText(list: readonly Attached[]): string {
  return list.map((a) => `${a.node.id}:${a.versionId}`).join(',');
}

export function parseAttachmentsText(raw: string | null | undefined): AttachmentRef[] {
  if (!raw) return [];
  return raw.split(',').map((pair) => {
    const [nodeId = '', versionId = ''] = pair.split(':');
    return { nodeId, versionId, folder: false };
  });
}

export class Attachments {
  constructor(private readonly d: Pick<IntelligenceDeps, 'storage' | 'parsers'>) {}

  /**
   * The attachments of a request, each a readable file of this workspace. `lenient` skips the ones
   * gone since (a chat's stored attachments on a follow-up); otherwise the first bad one decides.
   */
  resolve(scope: WorkspaceScope, refs: readonly AttachmentRef[], lenient = false): Attached[] {
    if (refs.length > MAX_ATTACHMENTS) throw Errors.invalidField('subjects', `At most ${MAX_ATTACHMENTS} files can be attached.`);
    const out: Attached[] = [];
    let bytes = 0;
    for (const ref of refs) {
      let node: StorageNode;
      try {
        node = this.d.storage.node(scope, normalizeOpaqueId(ref.nodeId));
      } catch (err) {
        if (lenient) continue;
        throw err;
      }
      if (ref.folder || node.type === 'folder') throw notAttachable('Only files can be attached; a folder can be a reference (scope) instead.');
      const sniff = node.name.includes('.') ? new Uint8Array(0) : this.d.storage.bytesOf(node).subarray(0, 8192);
      if (classifyDocument(node.name, node.mimetype ?? undefined, sniff).kind === undefined) {
        throw notAttachable(`${node.name} cannot be attached: the AI does not read this type of file.`);
      }
      const current = node.versionId ?? '';
      const wanted = normalizeOpaqueId(ref.versionId);
      // PARITY: CHOICE. Only the current version is readable as an attachment.
      if (wanted !== '' && wanted !== current) {
        if (lenient) continue;
        throw Errors.invalidField('subjects', `${node.name}: only the current version (${current}) can be attached.`);
      }
      bytes += node.size ?? 0;
      if (bytes > MAX_ATTACHMENT_BYTES) throw Errors.invalidField('subjects', 'Attachments are limited to 200 MB in all.');
      out.push({ node, versionId: current });
    }
    return out;
  }

  /**
   * An answer from the attached files' own text. PARITY: CHOICE. The model reads the files whole:
   * the prompt counts the question and every page of every attachment; the answer quotes the best
   * passages like a RAG answer, without citations (the guide: always empty in this mode).
   */
  async answer(question: string, attached: readonly Attached[]): Promise<Answer> {
    const index = new WorkspaceSearchIndex();
    let readTokens = 0;
    for (const { node, versionId } of attached) {
      const extracted = await extractDocument(this.d.storage.bytesOf(node), node.name, node.mimetype ?? undefined, {}, this.d.parsers);
      if (!extracted.ok) throw notAttachable(`${node.name} cannot be read as an attachment (${extracted.reason}).`);
      for (const page of extracted.pages) readTokens += countTokens(page);
      index.add({ nodeId: node.id, versionId, passages: chunkPages(extracted.pages) });
    }
    const { hits } = index.search(question, { limit: ATTACHMENT_PASSAGES, groupBy: 'passage' });
    const answer = buildAnswer(question, hits, { personality: 'detailed' });
    const text = answer.text.replace(/ \[\d+\]/g, '').replace(/ in this workspace:/, ' attached to this chat:');
    return { text, citations: [], promptTokens: countTokens(question) + readTokens, completionTokens: countTokens(text) };
  }
}

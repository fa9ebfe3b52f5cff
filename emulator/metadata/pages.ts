/** The readable text of a stored file, as pages, through the intelligence engine's extractor. */
import { classifyDocument } from '../intelligence/engine/document-types.js';
import { extractDocument, type DocumentParsers } from '../intelligence/engine/extract.js';
import type { StorageNode } from '../store/model.js';

export async function readablePages(node: StorageNode, bytes: Buffer, parsers: DocumentParsers): Promise<string[] | null> {
  if (classifyDocument(node.name, node.mimetype ?? undefined, bytes.subarray(0, 8192)).kind === undefined) return null;
  const extracted = await extractDocument(bytes, node.name, node.mimetype ?? undefined, {}, parsers);
  return extracted.ok ? extracted.pages : null;
}

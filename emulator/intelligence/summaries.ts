/**
 * Two small AI jobs over named files: the shareable summary (`ai/share/`: markdown with a
 * temporary download link per file) and a share's auto title (`ai/autotitle/`). Both are local
 * and deterministic: they quote the files' own text, never invent.
 *
 * PARITY: client 96b1551 ai.rs summarize ("AI-powered markdown with temporary download URLs that
 * can be pasted into an external chatbot", 1-25 files) and autotitle ("a title, description, and
 * display type for a share ... applied directly to the share server-side").
 */
import { CREDIT_COSTS } from '../billing/ledger.js';
import { Errors } from '../http/errors.js';
import type { Org, StorageNode, User } from '../store/model.js';
import { countTokens } from './engine/answer.js';
import { classifyDocument } from './engine/document-types.js';
import { extractDocument } from './engine/extract.js';
import type { IntelligenceDeps } from './service.js';

/** PARITY: CHOICE. How much of each file the summary quotes. */
export const SUMMARY_EXCERPT_CHARS = 400;

export interface SummaryFile {
  node: StorageNode;
  /** a path that reads the file without a bearer (`read/?token=`), relative to the API base */
  url: string;
  expires: number;
}

export interface Summary {
  markdown: string;
  tokens: number;
  credits: number;
}

/** The first sentences of a text, whole words, at most `max` characters. */
function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const sentence = cut.lastIndexOf('. ');
  return sentence > max / 2 ? cut.slice(0, sentence + 1) : `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : max)}…`;
}

/** A file name as words: `q3-sales_report.pdf` -> `Q3 sales report`. */
export function nameAsTitle(name: string): string {
  const base =
    name
      .replace(/\.[^.]+$/, '')
      .replace(/[-_.]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() || name;
  return base.charAt(0).toUpperCase() + base.slice(1);
}

export class Summaries {
  constructor(private readonly d: Pick<IntelligenceDeps, 'storage' | 'parsers' | 'ledger'>) {}

  /** The readable text of a file, or null for a type the engine does not read. */
  private async textOf(node: StorageNode): Promise<string | null> {
    const bytes = this.d.storage.bytesOf(node);
    if (classifyDocument(node.name, node.mimetype ?? undefined, bytes.subarray(0, 8192)).kind === undefined) return null;
    const extracted = await extractDocument(bytes, node.name, node.mimetype ?? undefined, {}, this.d.parsers);
    return extracted.ok ? extracted.pages.join('\n') : null;
  }

  /**
   * The markdown: a heading per file, its opening text quoted, and its download link. CHOICE: the
   * text read and the markdown are charged as AI tokens (1 credit per 100) to the org, with the
   * workspace (and share) they came from; a file the AI does not read is listed with its link only.
   */
  async summarize(user: User, org: Org, place: { workspaceId: string; shareId?: string }, files: SummaryFile[]): Promise<Summary> {
    let read = 0;
    const parts: string[] = [];
    for (const { node, url, expires } of files) {
      const text = await this.textOf(node);
      if (text !== null) read += countTokens(text);
      parts.push(
        [
          `## ${node.name}`,
          '',
          text === null ? '_(not a document the AI reads)_' : `> ${excerpt(text, SUMMARY_EXCERPT_CHARS)}`,
          '',
          `[Download ${node.name}](${url}) (link valid until ${new Date(expires).toISOString()})`,
        ].join('\n'),
      );
    }
    const markdown = [`# ${files.length === 1 ? nameAsTitle(files[0]!.node.name) : `${files.length} files`}`, '', ...parts].join('\n\n');
    const tokens = read + countTokens(markdown);
    const credits = (tokens / 100) * CREDIT_COSTS.aiTokensPer100;
    this.d.ledger.charge(org, { kind: 'ai_tokens', units: tokens, credits, workspaceId: place.workspaceId, shareId: place.shareId ?? null, userId: user.id });
    return { markdown, tokens, credits };
  }

  /**
   * A title, description and display type from the files. PARITY: CHOICE. `user_context`, when
   * given, is the title (it "guides generation"); else the first file's name as words, with the
   * count of the others. The description names up to five files. `grid` when most files are
   * images or videos, else `list`. An empty share answers 400/1605 (nothing to title it from).
   */
  title(nodes: readonly StorageNode[], context: string | undefined): { title: string; description: string; display_type: 'grid' | 'list' } {
    if (nodes.length === 0 && !context?.trim())
      throw Errors.invalidField('share_id', 'This share holds no files to title it from: add files, or send user_context.');
    const sorted = [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const fromNames = sorted.length === 0 ? '' : `${nameAsTitle(sorted[0]!.name)}${sorted.length > 1 ? ` and ${sorted.length - 1} more` : ''}`;
    const raw = context?.trim() ? context.trim() : fromNames;
    const title = (raw.length > 80 ? raw.slice(0, 80) : raw).padEnd(2, '.');
    const shown = sorted.slice(0, 5).map((n) => n.name);
    const description =
      sorted.length === 0
        ? 'An empty share.'
        : `${sorted.length} file${sorted.length === 1 ? '' : 's'}: ${shown.join(', ')}${sorted.length > shown.length ? `, and ${sorted.length - shown.length} more` : ''}.`;
    const visual = sorted.filter((n) => /^(image|video)\//.test(n.mimetype ?? '')).length;
    return { title, description, display_type: visual * 2 > sorted.length ? 'grid' : 'list' };
  }
}

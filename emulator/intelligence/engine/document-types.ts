/**
 * Which files the intelligence engine can read, decided from the name, the declared mimetype and,
 * as a last resort, the first bytes.
 */

/** How a document is read: a real parser (pdf, docx) or as text. */
export type DocumentKind = 'pdf' | 'docx' | 'markdown' | 'csv' | 'json' | 'code' | 'text';

export const GENERIC_MIMETYPE = 'application/octet-stream';

interface FileType {
  mimetype: string;
  /** Absent for types the engine stores but cannot ingest (images, archives, media). */
  kind?: DocumentKind;
}

const text = (mimetype: string, kind: DocumentKind = 'text'): FileType => ({ mimetype, kind });
const code = (mimetype: string): FileType => ({ mimetype, kind: 'code' });
const opaque = (mimetype: string): FileType => ({ mimetype });

const FILE_TYPES_BY_EXTENSION: ReadonlyMap<string, FileType> = new Map([
  ['pdf', { mimetype: 'application/pdf', kind: 'pdf' }],
  ['docx', { mimetype: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', kind: 'docx' }],
  ['txt', text('text/plain')],
  ['text', text('text/plain')],
  ['log', text('text/plain')],
  ['md', text('text/markdown', 'markdown')],
  ['markdown', text('text/markdown', 'markdown')],
  ['csv', text('text/csv', 'csv')],
  ['tsv', text('text/tab-separated-values', 'csv')],
  ['json', text('application/json', 'json')],
  ['jsonl', text('application/x-ndjson', 'json')],
  ['ndjson', text('application/x-ndjson', 'json')],
  ['html', code('text/html')],
  ['htm', code('text/html')],
  ['xml', code('application/xml')],
  ['css', code('text/css')],
  ['scss', code('text/x-scss')],
  ['js', code('text/javascript')],
  ['mjs', code('text/javascript')],
  ['cjs', code('text/javascript')],
  ['jsx', code('text/javascript')],
  ['ts', code('text/x-typescript')],
  ['tsx', code('text/x-typescript')],
  ['py', code('text/x-python')],
  ['rb', code('text/x-ruby')],
  ['go', code('text/x-go')],
  ['rs', code('text/x-rust')],
  ['java', code('text/x-java')],
  ['kt', code('text/x-kotlin')],
  ['scala', code('text/x-scala')],
  ['swift', code('text/x-swift')],
  ['c', code('text/x-c')],
  ['h', code('text/x-c')],
  ['cc', code('text/x-c++')],
  ['cpp', code('text/x-c++')],
  ['hpp', code('text/x-c++')],
  ['cs', code('text/x-csharp')],
  ['php', code('text/x-php')],
  ['lua', code('text/x-lua')],
  ['r', code('text/x-r')],
  ['dart', code('text/x-dart')],
  ['sql', code('application/sql')],
  ['sh', code('text/x-shellscript')],
  ['bash', code('text/x-shellscript')],
  ['zsh', code('text/x-shellscript')],
  ['ps1', code('text/x-powershell')],
  ['yaml', code('application/yaml')],
  ['yml', code('application/yaml')],
  ['toml', code('application/toml')],
  ['ini', code('text/plain')],
  ['cfg', code('text/plain')],
  ['conf', code('text/plain')],
  ['env', code('text/plain')],
  ['vue', code('text/x-vue')],
  ['svelte', code('text/x-svelte')],
  ['png', opaque('image/png')],
  ['jpg', opaque('image/jpeg')],
  ['jpeg', opaque('image/jpeg')],
  ['gif', opaque('image/gif')],
  ['webp', opaque('image/webp')],
  ['heic', opaque('image/heic')],
  ['tif', opaque('image/tiff')],
  ['tiff', opaque('image/tiff')],
  ['bmp', opaque('image/bmp')],
  ['svg', opaque('image/svg+xml')],
  ['ico', opaque('image/vnd.microsoft.icon')],
  ['mp3', opaque('audio/mpeg')],
  ['wav', opaque('audio/wav')],
  ['m4a', opaque('audio/mp4')],
  ['ogg', opaque('audio/ogg')],
  ['mp4', opaque('video/mp4')],
  ['mov', opaque('video/quicktime')],
  ['webm', opaque('video/webm')],
  ['mkv', opaque('video/x-matroska')],
  ['zip', opaque('application/zip')],
  ['gz', opaque('application/gzip')],
  ['tgz', opaque('application/gzip')],
  ['tar', opaque('application/x-tar')],
  ['7z', opaque('application/x-7z-compressed')],
  ['rar', opaque('application/vnd.rar')],
  ['doc', opaque('application/msword')],
  ['xls', opaque('application/vnd.ms-excel')],
  ['xlsx', opaque('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')],
  ['ppt', opaque('application/vnd.ms-powerpoint')],
  ['pptx', opaque('application/vnd.openxmlformats-officedocument.presentationml.presentation')],
  ['exe', opaque('application/vnd.microsoft.portable-executable')],
  ['bin', opaque(GENERIC_MIMETYPE)],
]);

/** Extension-less names that are conventionally text. */
const TEXT_FILE_NAMES: ReadonlySet<string> = new Set([
  'readme',
  'license',
  'licence',
  'changelog',
  'authors',
  'notice',
  'makefile',
  'dockerfile',
  'procfile',
  'gemfile',
  'rakefile',
  'jenkinsfile',
]);

/** Several extensions share a mimetype (text/plain for .txt and .ini); the first listed decides. */
const KIND_BY_MIMETYPE: ReadonlyMap<string, DocumentKind> = new Map(
  [...FILE_TYPES_BY_EXTENSION.values()].flatMap((type) => (type.kind === undefined ? [] : [[type.mimetype, type.kind] as const])).reverse(),
);

function extensionOf(name: string): string | undefined {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  // ".env" style names (dot first) have the whole name as their extension.
  return dot < 0 ? undefined : base.slice(dot + 1).toLowerCase();
}

function baseNameOf(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1).toLowerCase();
}

function normaliseMimetype(mimetype: string | undefined): string | undefined {
  const bare = mimetype?.split(';')[0]?.trim().toLowerCase();
  return bare === undefined || bare === '' ? undefined : bare;
}

/** The mimetype a file of that name gets; `application/octet-stream` when the name says nothing. */
export function detectMimetype(name: string): string {
  const extension = extensionOf(name);
  if (extension !== undefined) return FILE_TYPES_BY_EXTENSION.get(extension)?.mimetype ?? GENERIC_MIMETYPE;
  return TEXT_FILE_NAMES.has(baseNameOf(name)) ? 'text/plain' : GENERIC_MIMETYPE;
}

/** `kind` is undefined for files the engine does not ingest. */
export interface Classification {
  kind: DocumentKind | undefined;
  mimetype: string;
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/** Printable UTF-8 without NUL bytes in the first 8 KiB: the usual "is this text" heuristic. */
function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  if (sample.includes(0)) return false;
  try {
    // A multi-byte character cut by the sample's end is not evidence of binary data.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides how to read a file. The extension wins (it is what the user chose), then the declared
 * mimetype, then (only for names without an extension) the bytes: "%PDF-" is a PDF and clean
 * UTF-8 is text. An unknown extension with no helpful mimetype is not ingested even if it happens
 * to be text: "data.xyz" is more likely a binary format that starts with a readable header.
 */
export function classifyDocument(name: string, mimetype: string | undefined, bytes: Uint8Array): Classification {
  const extension = extensionOf(name);
  const byExtension = extension === undefined ? undefined : FILE_TYPES_BY_EXTENSION.get(extension);
  if (byExtension !== undefined) return { kind: byExtension.kind, mimetype: byExtension.mimetype };

  const declared = normaliseMimetype(mimetype);
  if (declared !== undefined && declared !== GENERIC_MIMETYPE) {
    return { kind: KIND_BY_MIMETYPE.get(declared) ?? (declared.startsWith('text/') ? 'text' : undefined), mimetype: declared };
  }
  if (extension !== undefined) return { kind: undefined, mimetype: GENERIC_MIMETYPE };

  if (startsWith(bytes, PDF_MAGIC)) return { kind: 'pdf', mimetype: 'application/pdf' };
  if (TEXT_FILE_NAMES.has(baseNameOf(name)) || looksLikeText(bytes)) return { kind: 'text', mimetype: 'text/plain' };
  return { kind: undefined, mimetype: GENERIC_MIMETYPE };
}

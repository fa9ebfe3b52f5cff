/**
 * Reading a state file without holding it twice. The emulator writes state files one record per
 * line (persistence, `seed`, exports through the CLI), so a large file is read in pieces and each
 * record parsed on its own: the whole text never sits in memory next to its parsed rows, which at
 * a million events is the difference between the file's size and twice it. A file in any other
 * JSON layout (hand-written, pretty-printed) is read whole, as before.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

export class StateSyntaxError extends Error {}

const TABLES_OPEN = '"tables":{';
const TABLE_START = /^"((?:[^"\\]|\\.)+)":\[(\])?$/;

/** Not the line layout: the caller parses the whole text instead. */
class NotLineLayout extends Error {}

/**
 * The line layout, parsed as the file is read in 1 MiB pieces (a readline event or an async
 * iteration per line costs more than the parsing).
 */
async function readLines(filename: string): Promise<unknown> {
  let header: Record<string, unknown> | undefined;
  const tables: Record<string, unknown[]> = {};
  let rows: unknown[] | undefined;
  let ended = false;
  let n = 0;

  const handle = (raw: string): void => {
    n++;
    const line = raw.endsWith(',') ? raw.slice(0, -1) : raw;
    if (line === '') return;
    if (ended) throw new NotLineLayout();
    if (!header) {
      if (!line.startsWith('{') || !line.endsWith(TABLES_OPEN)) throw new NotLineLayout();
      const head = line.slice(0, -TABLES_OPEN.length).replace(/,$/, '');
      header = JSON.parse(head === '{' ? '{}' : `${head}}`) as Record<string, unknown>;
      return;
    }
    if (rows) {
      if (line === ']') {
        rows = undefined;
        return;
      }
      if (line.charCodeAt(0) !== 123 /* { */) throw new NotLineLayout();
      try {
        rows.push(JSON.parse(line));
      } catch (e) {
        throw new StateSyntaxError(`line ${n}: ${(e as Error).message}`);
      }
      return;
    }
    if (line === '}}') {
      ended = true;
      return;
    }
    const m = TABLE_START.exec(line);
    if (!m) throw new NotLineLayout();
    const name = JSON.parse(`"${m[1]}"`) as string;
    tables[name] = [];
    if (!m[2]) rows = tables[name];
  };

  let rest = '';
  for await (const chunk of createReadStream(filename, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      handle(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) handle(rest);
  if (!header) throw new NotLineLayout();
  if (!ended) throw new StateSyntaxError('the file ends before its last table is closed (truncated?)');
  return { ...header, tables };
}

/** The parsed state file, or null when there is no file. Syntax problems throw StateSyntaxError. */
export async function readStateJson(filename: string): Promise<unknown | null> {
  try {
    return await readLines(filename);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    if (e instanceof StateSyntaxError) throw e;
    if (!(e instanceof NotLineLayout) && !(e instanceof SyntaxError)) throw e;
  }
  const text = await readFile(filename, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StateSyntaxError((e as Error).message);
  }
}

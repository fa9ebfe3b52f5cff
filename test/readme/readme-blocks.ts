/**
 * The README's shell examples as tests: a ```sh block preceded by the comment
 * `<!-- readme-test: NAME -->` belongs to the script NAME; the blocks of one name, in README order,
 * run as one bash script (`set -euo pipefail`) against an emulator the test starts, so an example
 * that stops working fails the test that runs it. The README's address (`127.0.0.1:3278` or
 * `localhost:3278`) is replaced by the test emulator's.
 */
import { readFileSync } from 'node:fs';
import { fromPackageRoot } from '../../emulator/index.js';

export interface ReadmeBlock {
  /** the script it belongs to */
  name: string;
  /** 1-based line of the block's opening fence */
  line: number;
  code: string;
}

const MARKER = /^<!-- readme-test: ([a-z0-9-]+) -->$/;

/** Every ```sh block of the README (`marked` names its script when a marker precedes it). */
export function shellBlocks(text: string = readFileSync(fromPackageRoot('README.md'), 'utf8')): (Omit<ReadmeBlock, 'name'> & { name?: string })[] {
  const lines = text.split('\n');
  const out: (Omit<ReadmeBlock, 'name'> & { name?: string })[] = [];
  let pending: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = MARKER.exec(line.trim());
    if (marker) {
      pending = marker[1];
      continue;
    }
    if (/^```(sh|bash)\s*$/.test(line)) {
      const start = i;
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
      out.push({ line: start + 1, code: body.join('\n'), ...(pending ? { name: pending } : {}) });
      pending = undefined;
      continue;
    }
    // a marker applies to the next block only, across blank lines
    if (line.trim() !== '') pending = undefined;
  }
  return out;
}

/** The blocks of one script, in README order. */
export function script(name: string, text?: string): ReadmeBlock[] {
  return shellBlocks(text).filter((b): b is ReadmeBlock => b.name === name);
}

/** One bash script from blocks, pointed at `base` (http://127.0.0.1:PORT). */
export function toBash(blocks: readonly ReadmeBlock[], base: string): string {
  const host = new URL(base).host;
  const body = blocks.map((b) => `# README.md:${b.line}\n${b.code.replace(/(?:127\.0\.0\.1|localhost):3278/g, host)}`).join('\n\n');
  return `set -euo pipefail\n${body}\n`;
}

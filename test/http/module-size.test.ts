import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/paths.js';

/**
 * Issue 13's rule: a module of the emulator stays under 400 lines (split by lifecycle or by area
 * when it grows). Data files (JSON: the route catalogue, the plan table) are not code and not counted.
 */
const MAX_LINES = 400;
const CODE = /\.(ts|tsx|mjs|js|css)$/;

function* codeFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* codeFiles(path);
    else if (CODE.test(entry.name)) yield path;
  }
}

describe('the emulator source', () => {
  it(`has no module over ${MAX_LINES} lines`, () => {
    const root = fromPackageRoot('emulator');
    const files = [...codeFiles(root)];
    const over = files
      .map((f) => ({ file: relative(root, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines}`);
    expect(files.length).toBeGreaterThan(100);
    expect(over).toEqual([]);
  });
});

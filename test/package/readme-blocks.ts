/** The README's code blocks, by the section they are in, so a test runs them as written. */
import { readFileSync } from 'node:fs';

export interface CodeBlock {
  lang: string;
  text: string;
  /** a block whose first line is `// path` is the file at that path */
  file: string | undefined;
}

export function readmeSection(readme: string, heading: string): string {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "${heading}"`);
  const level = /^#+/.exec(heading)![0];
  const rest = readme.slice(start + heading.length + 2);
  const next = new RegExp(`^#{1,${level.length}} `, 'm').exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

export function codeBlocks(readmePath: string, heading: string): CodeBlock[] {
  const section = readmeSection(readFileSync(readmePath, 'utf8'), heading);
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => {
    const text = m[2]!;
    const file = /^\/\/ (\S+\.\w+)\n/.exec(text)?.[1];
    return { lang: m[1]!, text, file };
  });
}

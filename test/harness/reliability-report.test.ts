import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/index.js';
import { renderReliability } from '../../scripts/reliability/report.js';

/** A run's inputs: one summary file and vitest's JSON verdict for one test file. */
function runInputs(summaries: Record<string, object>, testFile: string) {
  const dir = mkdtempSync(join(tmpdir(), 'reliability-report-'));
  for (const [name, doc] of Object.entries(summaries)) writeFileSync(join(dir, `${name}.long.json`), JSON.stringify({ name, ...doc }));
  const vitestJson = join(dir, 'vitest.json');
  writeFileSync(
    vitestJson,
    JSON.stringify({
      testResults: [{ name: fromPackageRoot(testFile), status: 'passed', assertionResults: [{ title: 't', status: 'passed', duration: 1500 }] }],
    }),
  );
  return { dir, vitestJson, out: join(dir, 'RELIABILITY.md') };
}

describe('RELIABILITY.md after a filtered soak', () => {
  it('keeps the sections and test rows the run did not select, naming the run that measured them', () => {
    const first = runInputs({ soak: { requests: 200000 } }, 'test/reliability/soak.test.ts');
    renderReliability({ resultsDir: first.dir, vitestJson: first.vitestJson, command: 'npm run soak', seconds: 60, exitStatus: 0, out: first.out });
    const full = readFileSync(first.out, 'utf8');
    expect(full).toContain('| requests | 200000 |');

    const second = runInputs({ 'parse-containment': { p99Ms: 12 } }, 'test/reliability/parse-containment.test.ts');
    renderReliability({
      resultsDir: second.dir,
      vitestJson: second.vitestJson,
      command: 'npm run soak -- parse-containment',
      seconds: 40,
      exitStatus: 0,
      previous: full,
      out: second.out,
    });
    const merged = readFileSync(second.out, 'utf8');
    const written = `${/\| written \| (\S+)/.exec(full)![1]!} (${/\| machine \| (.+?) \|\n/.exec(full)![1]!})`;
    // the new section's figures, the old one's kept and marked, both test rows
    expect(merged).toContain('| p99Ms | 12 |');
    expect(merged).toContain(`_Not rerun by this command: the figures of the run of ${written}._\n\n| figure | value |\n|---|---|\n| requests | 200000 |`);
    expect(merged).toMatch(
      /\| test\/reliability\/parse-containment\.test\.ts \| 1 \| 1 \| 0 \| 1\.5 \|\n\| test\/reliability\/soak\.test\.ts \| 1 \| 1 \| 0 \| 1\.5 \|/,
    );

    // a third filtered run keeps the first run's date on the section it still did not rerun
    const third = runInputs({ 'parse-containment': { p99Ms: 9 } }, 'test/reliability/parse-containment.test.ts');
    renderReliability({ resultsDir: third.dir, vitestJson: third.vitestJson, command: 'x', seconds: 1, exitStatus: 0, previous: merged, out: third.out });
    expect(readFileSync(third.out, 'utf8')).toContain(`the figures of the run of ${written}._`);
  });

  it('an unfiltered run writes only what it measured', () => {
    const run = runInputs({ soak: { requests: 5 } }, 'test/reliability/soak.test.ts');
    renderReliability({ resultsDir: run.dir, vitestJson: run.vitestJson, command: 'npm run soak', seconds: 1, exitStatus: 0, out: run.out });
    const text = readFileSync(run.out, 'utf8');
    expect(text).not.toContain('Not rerun');
    expect(text).toContain('_No summary from this run');
  });
});

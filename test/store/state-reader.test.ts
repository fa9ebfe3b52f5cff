import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStateJson, StateSyntaxError } from '../../emulator/store/state-reader.js';
import { serializeScenario } from '../../fixtures/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'emu-reader-'));
let n = 0;
function file(content: string): string {
  const f = join(dir, `s${n++}.json`);
  writeFileSync(f, content);
  return f;
}

const state = {
  format: 'fastio-emulator-state',
  version: 1,
  savedAt: '2026-04-01T00:00:00.000Z',
  clockOffsetMs: 0,
  scenario: { name: 'x', seed: 1, tenants: 1, description: 'a "quoted" one,\nwith a newline' },
  personas: [{ role: 'guest', email: 'a@b.c' }],
  tables: {
    users: [
      { id: '1', name: 'a,b' },
      { id: '2', name: ']' },
    ],
    empty: [],
    'we"ird': [{ id: '3' }],
  },
};

describe('readStateJson', () => {
  it('reads the one-record-per-line layout record by record, and other layouts whole, to the same value', async () => {
    const lines = serializeScenario(state as never);
    expect(lines.split('\n').length).toBeGreaterThan(5);
    expect(await readStateJson(file(lines))).toEqual(state);
    expect(await readStateJson(file(JSON.stringify(state, null, 2)))).toEqual(state);
    expect(await readStateJson(file(JSON.stringify(state)))).toEqual(state);
  });

  it('answers null for a missing file', async () => {
    expect(await readStateJson(join(dir, 'missing.json'))).toBeNull();
  });

  it('refuses a file cut anywhere, in either layout', async () => {
    const lines = serializeScenario(state as never);
    for (const text of [lines.slice(0, lines.length - 4), lines.slice(0, lines.indexOf('"name":"a,b"') + 5), JSON.stringify(state).slice(0, 50)]) {
      await expect(readStateJson(file(text))).rejects.toBeInstanceOf(StateSyntaxError);
    }
  });
});

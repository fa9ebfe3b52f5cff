import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { Persistence, readStateFile, serializeChunks, StateFileError, type StateDocument } from '../../emulator/store/persistence.js';

function doc(rows: unknown[]): StateDocument {
  return { format: 'fastio-emulator-state', version: 1, savedAt: 'now', clockOffsetMs: 42, tables: { things: rows, empty: [] } };
}

describe('Persistence', () => {
  it('coalesces writes and produces a file that reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-p-'));
    const file = join(dir, 'state.json');
    let rows: unknown[] = [{ id: '1', v: 'a' }];
    const p = new Persistence(file, () => doc(rows), 20);
    expect(await p.read()).toBeNull();
    p.start();
    p.record({ table: 'things', op: 'put', row: { id: '1', v: 'a' } as { id: string } });
    rows = [...rows, { id: '2', v: 'b"quoted"\n' }];
    p.record({ table: 'things', op: 'put', row: { id: '2', v: 'b"quoted"\n' } as { id: string } });
    await p.close();
    expect(p.status()).toMatchObject({ status: 'ok', flushes: 1, dirty: false });
    const back = await readStateFile(file);
    expect(back.tables.things).toEqual(rows);
    expect(back.tables.empty).toEqual([]);
    expect(back.clockOffsetMs).toBe(42);
  });

  it('serialises large tables in slices and still writes valid JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-p-'));
    const file = join(dir, 'state.json');
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: String(i), n: i }));
    const p = new Persistence(file, () => doc(rows), 0);
    p.start();
    p.record({ table: 'things', op: 'put', row: rows[0] as { id: string } });
    await p.close();
    const back = await readStateFile(file);
    expect(back.tables.things).toHaveLength(10_000);
    expect((back.tables.things as { n: number }[])[9999]!.n).toBe(9999);
  });

  it('serialises in bounded chunks that join into the whole state', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ id: String(i), text: 'x'.repeat(i % 50) }));
    const chunks = [...serializeChunks(doc(rows), 1000)];
    expect(chunks.length).toBeGreaterThan(10);
    // A chunk ends at the first row that takes it past the size: at most one row (and its separator) over.
    for (const c of chunks) expect(c.length).toBeLessThan(1000 + JSON.stringify(rows[499]).length + 3);
    const back = JSON.parse(chunks.join('')) as { tables: { things: unknown[]; empty: unknown[] } };
    expect(back.tables.things).toEqual(rows);
    expect(back.tables.empty).toEqual([]);
  });

  it('leaves the previous file whole, and no temporary file, when a flush fails midway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-p-'));
    const file = join(dir, 'state.json');
    let rows: unknown[] = [{ id: '1', v: 'first' }];
    const errors: string[] = [];
    const p = new Persistence(
      file,
      () => doc(rows),
      0,
      (e) => errors.push(e.message),
    );
    p.start();
    await p.flush();
    const before = readFileSync(file, 'utf8');
    // JSON.stringify throws on a BigInt: the write fails after some chunks were written.
    rows = [...Array.from({ length: 5000 }, (_, i) => ({ id: `r${i}`, pad: 'y'.repeat(100) })), { id: 'bad', n: 1n }];
    await p.flush();
    expect(p.status().status).toBe('degraded');
    expect(errors).toHaveLength(1);
    expect(readFileSync(file, 'utf8')).toBe(before);
    // The snapshot and the journal beside it; no temporary file.
    expect(readdirSync(dir).filter((n) => !n.startsWith('state.json.journal.'))).toEqual(['state.json']);
    rows = [{ id: '1', v: 'again' }];
    p.record({ table: 'things', op: 'put', row: { id: '1', v: 'again' } as { id: string } });
    await p.close();
    expect(p.status().status).toBe('ok');
    expect((await readStateFile(file)).tables.things).toEqual(rows);
    expect(existsSync(join(dir, '.state.json.tmp'))).toBe(false);
  });

  it('refuses a truncated file, a foreign file and a newer version, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-p-'));
    const cases: [string, string, RegExp][] = [
      ['truncated.json', '{"format":"fastio-emulator-state","version":1,"tables":{"x":[', /corrupt or truncated/],
      ['foreign.json', '{"hello":"world"}', /not an emulator state file/],
      ['newer.json', '{"format":"fastio-emulator-state","version":99,"tables":{}}', /newer emulator/],
    ];
    for (const [name, content, msg] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const p = new Persistence(file, () => doc([]), 0);
      const err = await p.read().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StateFileError);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).toContain(file);
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('reports degraded when the file cannot be written, and recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-p-'));
    const errors: string[] = [];
    const p = new Persistence(
      join(dir, 'no-such-dir', 'state.json'),
      () => doc([{ id: '1' }]),
      0,
      (e) => errors.push(e.message),
    );
    p.markDirty();
    await p.flush();
    expect(p.status().status).toBe('degraded');
    expect(p.status().lastError).toMatch(/ENOENT/);
    expect(errors).toHaveLength(1);
    await p.close().catch(() => undefined);
  });
});

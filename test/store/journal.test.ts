/**
 * The write-ahead journal beside `--data` (store/journal.ts, store/persistence.ts): records read
 * back as written, a torn or corrupt tail stops replay at the last good record and is reported,
 * snapshots start a new generation and delete the ones they cover, and the snapshot is rewritten
 * only when the journal passes its size threshold.
 */
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileBlobStore, sha256Of } from '../../emulator/store/blobs.js';
import { JournalWriter, journalFileOf, readJournal } from '../../emulator/store/journal.js';
import { Persistence, readStateFile, type StateDocument } from '../../emulator/store/persistence.js';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'emu-journal-'));
}

function doc(tables: Record<string, unknown[]>): StateDocument {
  return { format: 'fastio-emulator-state', version: 2, savedAt: 'now', clockOffsetMs: 0, tables };
}

async function writeRecords(file: string, n: number): Promise<void> {
  const w = new JournalWriter(file, 1, true, 'relaxed', (e) => {
    throw e;
  });
  for (let i = 0; i < n; i++) w.append({ o: 'p', t: 'things', r: { id: String(i) } });
  await w.close(false);
}

describe('journal files', () => {
  it('read back every record in order, with the header', async () => {
    const file = join(dir(), 'state.json');
    await writeRecords(file, 50);
    const read = (await readJournal(journalFileOf(file, 1)))!;
    expect(read.header).toMatchObject({ format: 'fastio-emulator-journal', version: 1, generation: 1, continues: true });
    expect(read.records.map((r) => (r.o === 'p' ? r.r.id : '?'))).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    expect(read.torn).toBeNull();
  });

  it('stop at a torn last line and say how many bytes were dropped', async () => {
    const file = join(dir(), 'state.json');
    await writeRecords(file, 10);
    const j = journalFileOf(file, 1);
    const size = statSync(j).size;
    truncateSync(j, size - 5); // the last line loses its end and its newline
    const read = (await readJournal(j))!;
    expect(read.records).toHaveLength(9);
    expect(read.torn).toMatchObject({ line: 11, reason: expect.stringMatching(/incomplete/) });
    expect(read.torn!.droppedBytes).toBeGreaterThan(0);
  });

  it('stop at a line whose checksum does not match, keeping what came before', async () => {
    const file = join(dir(), 'state.json');
    await writeRecords(file, 10);
    const j = journalFileOf(file, 1);
    const lines = readFileSync(j, 'utf8').split('\n');
    lines[5] = lines[5]!.replace('"id":"4"', '"id":"X"'); // line 6 = record 5 (id 4), changed on disk
    writeFileSync(j, lines.join('\n'));
    const read = (await readJournal(j))!;
    expect(read.records.map((r) => (r.o === 'p' ? r.r.id : '?'))).toEqual(['0', '1', '2', '3']);
    expect(read.torn).toMatchObject({ line: 6, reason: 'checksum mismatch' });
  });

  it('refuse a journal written by a newer emulator', async () => {
    const file = join(dir(), 'state.json');
    await writeRecords(file, 1);
    const j = journalFileOf(file, 1);
    const text = readFileSync(j, 'utf8').split('\n');
    const header = '{"format":"fastio-emulator-journal","version":9,"generation":1,"continues":true}';
    const { crc32 } = await import('node:zlib');
    text[0] = `${(crc32(header) >>> 0).toString(16).padStart(8, '0')} ${header}`;
    writeFileSync(j, text.join('\n'));
    await expect(readJournal(j)).rejects.toThrow(/newer emulator/);
  });
});

describe('durability', () => {
  it('strict: a change is in the journal file before settle returns (an answer goes out after); relaxed: one turn later', async () => {
    for (const durability of ['strict', 'relaxed'] as const) {
      const file = join(dir(), 'state.json');
      const p = new Persistence(file, () => doc({}), 0, undefined, { durability });
      await p.read();
      p.start();
      p.record({ table: 'things', op: 'put', row: { id: 'acknowledged' } });
      p.settle(); // what the responder calls before writing an answer
      const journal = () => readFileSync(p.status().journal!.file, 'utf8');
      expect(journal().includes('acknowledged'), durability).toBe(durability === 'strict');
      await p.drain();
      expect(journal()).toContain('acknowledged');
      await p.close();
    }
  });
});

describe('Persistence with its journal', () => {
  it('replays the journal over the snapshot after a process that never wrote one (a crash)', async () => {
    const file = join(dir(), 'state.json');
    const rows = new Map<string, { id: string; v: number }>();
    const p = new Persistence(file, () => doc({ things: [...rows.values()] }), 0);
    expect(await p.read()).toBeNull();
    p.start();
    for (let i = 0; i < 20; i++) {
      const row = { id: String(i % 5), v: i };
      rows.set(row.id, row);
      p.record({ table: 'things', op: 'put', row });
    }
    p.record({ table: 'things', op: 'delete', id: '0' });
    rows.delete('0');
    await p.drain(true);
    // No close: the process "dies" here; a new one reads what the journal holds.
    const q = new Persistence(file, () => doc({}), 0);
    const state = (await q.read())!;
    expect(state.tables.things).toEqual(expect.arrayContaining([...rows.values()]));
    expect(state.tables.things).toHaveLength(rows.size);
    expect(q.recovered()).toMatchObject({ replayed: 21, torn: null });
  });

  it('rewrites the snapshot when the journal passes its size threshold, and deletes the journals it covers', async () => {
    const d = dir();
    const file = join(d, 'state.json');
    const rows: { id: string; pad: string }[] = [];
    const p = new Persistence(file, () => doc({ things: [...rows] }), 0, undefined, { maxJournalBytes: 4096 });
    await p.read();
    p.start();
    for (let i = 0; i < 100; i++) {
      const row = { id: String(i), pad: 'z'.repeat(100) };
      rows.push(row);
      p.record({ table: 'things', op: 'put', row });
    }
    // 100 records of ~150 bytes pass 4 KiB: a snapshot was scheduled; wait for it.
    for (let i = 0; i < 200 && p.status().flushes === 0; i++) await new Promise((r) => setImmediate(r));
    await p.flush();
    expect(p.status().flushes).toBeGreaterThanOrEqual(1);
    const snap = await readStateFile(file);
    expect(snap.tables.things).toHaveLength(100);
    const journals = readdirSync(d).filter((n) => n.startsWith('state.json.journal.'));
    // Only the generation after the last snapshot is left, and it names that snapshot's successor.
    expect(journals).toEqual([`state.json.journal.${(snap as { journal?: number }).journal}`]);
    await p.close();
  });

  it('loads a snapshot and a journal whose last record a crash tore, and reports the tear', async () => {
    const file = join(dir(), 'state.json');
    const p = new Persistence(file, () => doc({ things: [{ id: 'a' }] }), 0);
    await p.read();
    p.start();
    await p.flush(); // snapshot holds a; journal generation 2 begins
    p.record({ table: 'things', op: 'put', row: { id: 'b' } });
    p.record({ table: 'things', op: 'put', row: { id: 'c' } });
    await p.drain(true);
    const j = journalFileOf(file, (await readStateFile(file)).journal ?? 0);
    appendFileSync(j, '0000abcd {"o":"p","t":"things","r":{"id":"d"'); // a write cut short
    const q = new Persistence(file, () => doc({}), 0);
    const state = (await q.read())!;
    expect((state.tables.things as { id: string }[]).map((r) => r.id).sort()).toEqual(['a', 'b', 'c']);
    expect(q.recovered()!.torn).toMatchObject({ file: j, reason: expect.stringMatching(/torn|incomplete|not a journal/) });
  });
});

describe('stored bytes on a disk that refuses them', () => {
  it('are kept in memory (degraded), written first by the retried snapshot once the disk takes them (ok)', async () => {
    const file = join(dir(), 'state.json');
    const blobs = new FileBlobStore(`${file}.blobs`, false);
    const bytes = Buffer.from('bytes the disk refused at first');
    const ref = sha256Of(bytes);
    const blocker = join(`${file}.blobs`, ref.slice(0, 2)); // a file where the bytes' folder goes: ENOTDIR
    writeFileSync(blocker, 'in the way');
    const p = new Persistence(
      file,
      () => doc({ blobs: [{ id: 'b1', size: bytes.length, sha256: ref }] }),
      0,
      () => {},
      { blobs },
    );
    blobs.onError = (e) => p.reportError(e);
    await p.read();
    p.start();
    // A change first: its age threshold schedules a snapshot minutes away, which the retry must not wait for.
    p.record({ table: 'blobs', op: 'put', row: { id: 'b1', size: bytes.length, sha256: ref } as { id: string } });
    expect(blobs.put(bytes)).toBe(ref);
    expect(blobs.get(ref)).toEqual(bytes); // served from memory meanwhile
    expect(p.status()).toMatchObject({ status: 'degraded', lastError: expect.stringMatching(/ENOTDIR/) });
    rmSync(blocker);
    const deadline = Date.now() + 10_000;
    while (p.status().status !== 'ok' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(p.status()).toMatchObject({ status: 'ok', lastError: null });
    expect(existsSync(join(blocker, ref))).toBe(true);
    expect(readFileSync(join(blocker, ref))).toEqual(bytes);
    await p.close();
  });
});

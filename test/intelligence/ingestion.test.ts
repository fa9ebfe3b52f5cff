import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../emulator/index.js';
import { HOLD_JOBS, inProcessEmulator } from '../support/client.js';

const fixture = (name: string) => readFileSync(fromPackageRoot('fixtures', 'documents', name));

describe('ingestion', () => {
  it('goes pending -> in_progress -> ready off the request path and charges 10 credits a page once', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: true });
    const seen: string[] = [];
    const stop = emu.emulator.activityHub.touched.on((entity, entry) => {
      if (entity === ws.id && entry.key.startsWith('ai_state:')) seen.push(emu.emulator.db.nodes.get(entry.key.slice(9))!.ai.state);
    });
    const id = await emu.upload(user.token, ws.id, 'overview.pdf', fixture('three-page.pdf'));
    // The upload answered before ingestion ran.
    expect((await emu.node(user.token, ws.id, id)).ai).toMatchObject({ state: 'pending', pages: null });
    expect(emu.ledger(org.id, 'ingestion')).toEqual([]);
    await emu.settle();
    stop();
    expect(seen).toEqual(['pending', 'in_progress', 'ready']);
    expect((await emu.node(user.token, ws.id, id)).ai).toEqual({ state: 'ready', attach: true, reason: null, pages: 3 });
    const rows = emu.ledger(org.id, 'ingestion');
    expect(rows.map((r) => [r.units, r.credits, r.objectId, r.workspaceId, r.userId])).toEqual([[3, 30, id, ws.id, user.id]]);
    const event = emu.emulator.db.events.toArray().find((e) => e.event === 'ai_file_ingested')!;
    expect(event).toMatchObject({ objectId: id, workspaceId: ws.id, data: { pages: 3, credits: 30 } });
  });

  it('counts pages of DOCX, Markdown, CSV and notes as 3,000-character pages, at least one', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: true });
    const docx = await emu.upload(user.token, ws.id, 'contract.docx', fixture('contract.docx'));
    const md = await emu.upload(user.token, ws.id, 'notes.md', fixture('notes.md'));
    const long = await emu.upload(user.token, ws.id, 'long.txt', 'word '.repeat(1500));
    const empty = await emu.upload(user.token, ws.id, 'empty.txt', '');
    const note = (
      await emu.ok('POST', `/current/workspace/${ws.id}/storage/root/createnote/`, { token: user.token, form: { name: 'n.md', content: 'pruning schedule' } })
    ).node as { id: string };
    await emu.settle();
    const pages = async (id: string) => (await emu.node(user.token, ws.id, id)).ai.pages;
    expect([await pages(docx), await pages(md), await pages(long), await pages(empty), await pages(note.id)]).toEqual([1, 1, 3, 1, 1]);
    expect(emu.credits(org.id, 'ingestion')).toBe(70);
  });

  it('charges again when a file is uploaded again, and toggling intelligence off and on re-ingests at full cost', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: true });
    const id = await emu.upload(user.token, ws.id, 'overview.pdf', fixture('three-page.pdf'));
    await emu.settle();
    expect(await emu.upload(user.token, ws.id, 'overview.pdf', fixture('three-page.pdf'))).toBe(id);
    await emu.settle();
    expect(emu.credits(org.id, 'ingestion')).toBe(60);

    await emu.ok('POST', `/current/workspace/${ws.id}/update/`, { token: user.token, form: { intelligence: 'false' } });
    expect((await emu.node(user.token, ws.id, id)).ai).toMatchObject({ state: 'disabled', pages: null });
    const off = await emu.ok('GET', `/current/workspace/${ws.id}/storage/search/?search=termination%20notice`, { token: user.token });
    expect((off.results as { content_snippet: unknown }[]).every((r) => r.content_snippet === null)).toBe(true);
    await emu.settle();
    expect(emu.credits(org.id, 'ingestion')).toBe(60);

    await emu.ok('POST', `/current/workspace/${ws.id}/update/`, { token: user.token, form: { intelligence: 'true' } });
    expect((await emu.node(user.token, ws.id, id)).ai.state).toBe('pending');
    await emu.settle();
    expect((await emu.node(user.token, ws.id, id)).ai).toMatchObject({ state: 'ready', pages: 3 });
    expect(emu.ledger(org.id, 'ingestion').map((r) => r.credits)).toEqual([30, 30, 30]);
    const on = await emu.ok('GET', `/current/workspace/${ws.id}/storage/search/?search=termination%20notice`, { token: user.token });
    expect((on.results as { id: string; content_snippet: string }[])[0]).toMatchObject({ id, content_snippet: expect.stringContaining('termination notice') });
  });

  it('leaves files uncharged in a workspace without intelligence, and disables types it cannot read', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const off = await emu.tenant({ intelligence: false });
    const a = await emu.upload(off.user.token, off.ws.id, 'overview.pdf', fixture('three-page.pdf'));
    const on = await emu.tenant({ intelligence: true });
    const png = await emu.upload(on.user.token, on.ws.id, 'photo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    await emu.settle();
    expect((await emu.node(off.user.token, off.ws.id, a)).ai).toMatchObject({ state: 'disabled', reason: null });
    expect((await emu.node(on.user.token, on.ws.id, png)).ai).toMatchObject({ state: 'disabled', reason: 'unsupported_type' });
    expect(emu.emulator.db.ledger.toArray().filter((e) => e.kind === 'ingestion')).toEqual([]);
  });

  it('ends an unparseable file in failed with a reason, uncharged, and keeps serving', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: true });
    const broken = await emu.upload(user.token, ws.id, 'broken.pdf', fixture('broken.pdf'));
    const garbage = await emu.upload(user.token, ws.id, 'garbage.docx', new Uint8Array(2048).fill(7));
    const binary = await emu.upload(user.token, ws.id, 'binary.txt', new Uint8Array([1, 0, 2, 0, 3]));
    await emu.settle();
    for (const id of [broken, garbage, binary]) {
      const { ai } = await emu.node(user.token, ws.id, id);
      expect(ai.state, id).toBe('failed');
      expect(ai.reason).toMatch(/^parse_error: /);
    }
    expect(emu.ledger(org.id, 'ingestion')).toEqual([]);
    expect(emu.emulator.db.events.toArray().filter((e) => e.event === 'ai_file_ingestion_failed')).toHaveLength(3);
    expect((await emu.call('GET', `/current/workspace/${ws.id}/storage/search/?search=anything`, { token: user.token })).status).toBe(200);
  });

  it('short of credits: the upload succeeds and the file ends failed with reason credits', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: true });
    const orgRow = emu.emulator.db.orgs.get(org.id)!;
    emu.emulator.ledger.charge(orgRow, { kind: 'conversions', units: 1, credits: 9_980 });
    const id = await emu.upload(user.token, ws.id, 'overview.pdf', fixture('three-page.pdf'));
    await emu.settle();
    expect((await emu.node(user.token, ws.id, id)).ai).toMatchObject({ state: 'failed', reason: 'credits', pages: 3 });
    expect(emu.ledger(org.id, 'ingestion')).toEqual([]);
    const event = emu.emulator.db.events.toArray().find((e) => e.event === 'ai_file_ingestion_failed')!;
    expect(event.data.message).toMatch(/Credit limit exceeded/);
    // A two-page-or-less file still fits the 20 left... a one-page file costs 10.
    const small = await emu.upload(user.token, ws.id, 'small.txt', 'a short note about orchards');
    await emu.settle();
    expect((await emu.node(user.token, ws.id, small)).ai.state).toBe('ready');
  });

  it('ends a file in failed (internal_error) when ingestion breaks unexpectedly, and the server keeps answering', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, ws } = await emu.tenant({ intelligence: true });
    const logged: unknown[] = [];
    emu.emulator.log.error = ((obj: unknown) => void logged.push(obj)) as typeof emu.emulator.log.error;
    const charge = emu.emulator.ledger.charge.bind(emu.emulator.ledger);
    emu.emulator.ledger.charge = (org, input) => {
      if (input.kind === 'ingestion') throw new Error('the ledger is unavailable');
      return charge(org, input);
    };
    const id = await emu.upload(user.token, ws.id, 'a.txt', 'some words about orchards');
    await emu.settle();
    emu.emulator.ledger.charge = charge;
    expect((await emu.node(user.token, ws.id, id)).ai).toMatchObject({ state: 'failed', reason: 'internal_error' });
    expect(logged).toHaveLength(1);
    expect((await emu.call('GET', `/current/workspace/${ws.id}/storage/search/?search=orchards`, { token: user.token })).status).toBe(200);
  });

  it('stops a pending ingestion when the file is deleted or replaced, charging nothing for the stale version', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: true });
    const gone = await emu.upload(user.token, ws.id, 'gone.pdf', fixture('three-page.pdf'));
    await emu.ok('DELETE', `/current/workspace/${ws.id}/storage/${gone}/delete/`, { token: user.token });
    const replaced = await emu.upload(user.token, ws.id, 'doc.txt', 'first version about irrigation');
    await emu.upload(user.token, ws.id, 'doc.txt', 'second version about pruning');
    await emu.settle();
    expect((await emu.node(user.token, ws.id, gone)).ai.state).toBe('disabled');
    expect(emu.ledger(org.id, 'ingestion').map((r) => r.objectId)).toEqual([replaced]);
    const hits = await emu.ok('GET', `/current/workspace/${ws.id}/storage/search/?search=irrigation`, { token: user.token });
    expect(hits.results).toEqual([]);
  });
});

describe('state replaced', () => {
  it('resumes ingestion in flight after an import without charging twice, and rebuilds the index on first search', async () => {
    const emu = await inProcessEmulator(HOLD_JOBS);
    const { user, org, ws } = await emu.tenant({ intelligence: true });
    const ready = await emu.upload(user.token, ws.id, 'overview.pdf', fixture('three-page.pdf'));
    await emu.settle();
    const pending = await emu.upload(user.token, ws.id, 'notes.md', fixture('notes.md'));
    // A copy, as a state file would be (exported rows are the live rows).
    const state = JSON.parse(JSON.stringify(emu.emulator.exportState())) as ReturnType<typeof emu.emulator.exportState>;
    await emu.settle();

    // A file caught mid-ingestion (already charged) and a file not started yet.
    const tables = state.tables as { nodes: { id: string; ai: { state: string } }[]; ledger: { objectId: string; kind: string }[] };
    const inProgress = tables.nodes.find((n) => n.id === ready)!;
    inProgress.ai = { ...inProgress.ai, state: 'in_progress' };
    const copy = await inProcessEmulator(HOLD_JOBS);
    copy.emulator.importState(state);
    await copy.settle();
    expect(copy.emulator.db.nodes.get(ready)!.ai.state).toBe('ready');
    expect(copy.emulator.db.nodes.get(pending)!.ai).toMatchObject({ state: 'ready', pages: 1 });
    expect(
      copy.emulator.db.ledger
        .find('org', org.id)
        .filter((e) => e.kind === 'ingestion')
        .map((e) => e.objectId),
    ).toEqual([ready, pending]);

    // The search index is derived: after import it is rebuilt on first search, from the stored bytes.
    const third = await inProcessEmulator(HOLD_JOBS);
    third.emulator.importState(emu.emulator.exportState());
    const size = await third.emulator.intelligence.indexSize(ws.id);
    expect(size.files).toBe(2);
    expect(third.emulator.db.ledger.size).toBe(emu.emulator.db.ledger.size);
  });
});

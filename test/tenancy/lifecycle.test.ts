import { describe, expect, it } from 'vitest';
import { servesDialect } from '../../emulator/http/route.js';
import { ARCHIVED_WORKSPACE_REFUSES, type WorkspaceAction } from '../../emulator/tenancy/permissions.js';
import { inProcessEmulator, WS_FORM } from '../support/client.js';

type Emu = Awaited<ReturnType<typeof inProcessEmulator>>;

async function tenant(emu: Emu, domain: string) {
  const owner = await emu.persona('agent');
  const member = await emu.persona('human');
  const org = (await emu.ok('POST', '/current/org/create/', { token: owner.token, form: { domain, name: 'Lifecycle Org' } })).org as { id: string };
  await emu.ok('POST', `/current/org/${org.id}/billing/`, { token: owner.token, form: { billing_plan: 'pro' } });
  const ws = (
    await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: domain, name: 'Lifecycle' } })
  ).workspace as { id: string };
  await emu.ok('POST', `/current/workspace/${ws.id}/members/${member.id}/`, { token: owner.token, form: { permissions: 'member' } });
  return { owner, member, org, ws };
}

/** A path of the route with every parameter filled: ids of the right shape, real where they exist. */
function fill(path: string, values: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => values[name] ?? `no-value-for-${name}`);
}

describe('an archived workspace', () => {
  it('refuses every write route with 403/1680 and keeps every read route open; unarchived, it takes writes again', async () => {
    const emu = await inProcessEmulator({ ingestDelayMs: 0 });
    const { owner, member, ws } = await tenant(emu, 'archived-walk');
    const note = (
      await emu.ok('POST', `/current/workspace/${ws.id}/storage/root/createnote/`, { token: owner.token, form: { name: 'kept.md', content: 'Kept.' } })
    ).node as {
      id: string;
    };
    const chat = (await emu.ok('POST', `/current/workspace/${ws.id}/ai/chat/`, { token: owner.token, form: { type: 'chat', question: 'What is kept?' } })) as {
      chat_id?: string;
      chat?: { id: string };
    };
    await emu.emulator.jobs.settle();
    const chatId = chat.chat_id ?? chat.chat?.id ?? `9${'0'.repeat(28)}`;
    await emu.ok('POST', `/current/workspace/${ws.id}/archive/`, { token: owner.token });
    const values = {
      workspace_id: ws.id,
      node_id: note.id,
      member: member.id,
      chat_id: chatId,
      message_id: `9${'1'.repeat(28)}`,
      version_id: emu.emulator.db.nodes.get(note.id)!.versionId!,
      asset_name: 'logo',
    };

    const workspaceRoutes = emu.routes.filter((r) => r.access && 'workspace' in r.access && servesDialect(r, emu.emulator.config.apiDialect));
    const writes = workspaceRoutes.filter((r) => ARCHIVED_WORKSPACE_REFUSES.has(r.access!.action as WorkspaceAction));
    const reads = workspaceRoutes.filter((r) => !ARCHIVED_WORKSPACE_REFUSES.has(r.access!.action as WorkspaceAction));
    expect(writes.length).toBeGreaterThanOrEqual(12);
    for (const route of writes) {
      const r = await emu.call(route.method, fill(route.path, values), { token: owner.token, form: {} });
      expect([r.status, r.body.error?.code, r.body.error?.text], `${route.method} ${route.path}`).toEqual([403, 1680, expect.stringMatching(/archived/)]);
    }
    // Uploads name their workspace in the body, not the path: the same rule.
    const upload = await emu.call('POST', '/current/upload/', { token: owner.token, form: { instance_id: ws.id, name: 'late.txt', chunk: 'late', size: '4' } });
    expect([upload.status, upload.body.error?.text]).toEqual([403, expect.stringMatching(/archived/)]);
    // The member is refused the same way (the rule is not a role rule).
    const memberWrite = await emu.call('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: member.token, form: { name: 'nope' } });
    expect(memberWrite.status).toBe(403);

    for (const route of reads) {
      if (route.path.endsWith('/unarchive/') || route.path.endsWith('/archive/') || route.method === 'DELETE') continue;
      const r = await emu.call(route.method, fill(route.path, values), { token: owner.token });
      expect(r.body.error?.text ?? '', `${route.method} ${route.path}`).not.toMatch(/archived/);
    }
    const listed = await emu.ok('GET', `/current/workspace/${ws.id}/storage/root/list/`, { token: owner.token });
    expect((listed.nodes as { id: string }[]).map((n) => n.id)).toContain(note.id);

    await emu.ok('POST', `/current/workspace/${ws.id}/unarchive/`, { token: owner.token });
    expect((await emu.call('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: owner.token, form: { name: 'after' } })).status).toBe(
      200,
    );
  });

  it('an upload session opened before the archive ends store_failed, naming the archive', async () => {
    const emu = await inProcessEmulator({ ingestDelayMs: 3_600_000 });
    const { owner, ws } = await tenant(emu, 'archived-upload');
    const opened = await emu.ok('POST', '/current/upload/', { token: owner.token, form: { instance_id: ws.id, name: 'slow.txt', size: '5' } });
    const id = (opened.id ?? (opened.upload as { id: string } | undefined)?.id) as string;
    await emu.ok('POST', `/current/upload/${id}/chunk/?order=1`, { token: owner.token, form: { chunk: 'hello' } });
    await emu.ok('POST', `/current/upload/${id}/complete/`, { token: owner.token });
    await emu.ok('POST', `/current/workspace/${ws.id}/archive/`, { token: owner.token });
    await emu.emulator.jobs.drain();
    const upload = emu.emulator.db.uploads.get(id)!;
    expect([upload.status, upload.error]).toEqual(['store_failed', 'the workspace was archived']);
  });
});

describe('names are one name per reading', () => {
  it('composed and decomposed accents are one name; zero-width, bidi and control characters are refused with params[]', async () => {
    const emu = await inProcessEmulator({ ingestDelayMs: 3_600_000 });
    const { owner, org, ws } = await tenant(emu, 'names-nfc');
    const composed = 'r\u00e9sum\u00e9';
    const decomposed = 're\u0301sume\u0301';
    const a = (await emu.ok('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: owner.token, form: { name: composed } })).node as {
      id: string;
      name: string;
    };
    const b = (await emu.ok('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: owner.token, form: { name: decomposed } })).node as {
      id: string;
    };
    expect(b.id).toBe(a.id);
    expect(a.name).toBe(composed);
    // A note under the decomposed spelling of a folder's composed name is the folder's name: a conflict.
    const clash = await emu.call('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: owner.token, form: { name: 'caf\u00e9.md' } });
    expect(clash.status).toBe(200);
    const noteClash = await emu.call('POST', `/current/workspace/${ws.id}/storage/root/createnote/`, {
      token: owner.token,
      form: { name: 'cafe\u0301.md', content: 'x' },
    });
    expect([noteClash.status, noteClash.body.error?.code]).toEqual([409, 1660]);
    const list = await emu.ok('GET', `/current/workspace/${ws.id}/storage/root/list/`, { token: owner.token });
    expect((list.nodes as { name: string }[]).filter((n) => n.name.normalize('NFC') === composed)).toHaveLength(1);

    // Org and workspace names are normalised the same way.
    const renamed = await emu.ok('POST', `/current/workspace/${ws.id}/update/`, { token: owner.token, form: { name: `Caf${'e\u0301'}` } });
    expect((renamed.workspace as { name: string }).name).toBe('Caf\u00e9');

    const bad: [string, string][] = [
      ['zero-width joiner', 'a\u200db'],
      ['zero-width space', 'inv\u200bisible'],
      ['right-to-left override', 'invoice\u202efdp.exe'],
      ['bidi isolate', 'x\u2067y'],
      ['byte order mark', 'na\ufeffme'],
      ['control character', 'bell\u0007'],
    ];
    const fields: [string, string, string][] = [
      ['POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, 'name'],
      ['POST', `/current/workspace/${ws.id}/update/`, 'name'],
      ['POST', `/current/org/${org.id}/update/`, 'name'],
    ];
    for (const [what, value] of bad) {
      for (const [method, path, field] of fields) {
        const r = await emu.call(method, path, { token: owner.token, form: { [field]: `${value}-ok` } });
        expect([r.status, r.body.error?.code], `${what} in ${path}`).toEqual([400, 1605]);
        const params = (r.body.error as { params?: { name: string; kind: string }[] }).params;
        expect(params?.[0], `${what} in ${path}`).toMatchObject({ name: field, kind: 'invalid' });
      }
      const note = await emu.call('POST', `/current/workspace/${ws.id}/storage/root/createnote/`, {
        token: owner.token,
        form: { name: `${value}.md`, content: 'x' },
      });
      expect(note.status, `${what} in a note name`).toBe(400);
      const upload = await emu.call('POST', '/current/upload/', {
        token: owner.token,
        form: { instance_id: ws.id, name: `${value}.txt`, chunk: 'abc', size: '3' },
      });
      expect(upload.status, `${what} in an upload name`).toBe(400);
    }
    const signUp = await emu.call('POST', '/current/user/', {
      form: {
        email_address: 'bidi@names.example',
        password: 'long enough password',
        tos_agree: 'true',
        first_name: 'Eve\u202e',
      },
    });
    expect([signUp.status, (signUp.body.error as { params?: { name: string }[] }).params?.[0]?.name]).toEqual([400, 'first_name']);
  });
});

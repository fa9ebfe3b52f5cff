import { describe, expect, it } from 'vitest';
import { servesDialect } from '../../emulator/http/route.js';
import { inProcessEmulator, WS_FORM } from '../support/client.js';

/**
 * Every route that names an org or a workspace, called by another tenant's users with tenant A's
 * ids: refused with the documented code, saying nothing of A, and changing nothing.
 * The route list comes from the emulator's own table, so a new route is probed the day it lands.
 */
describe('cross-tenant isolation on every id-taking route (2026-04)', async () => {
  // The April dialect: the `pro` plan and the `/ai/chat/` routes below are April's.
  const emu = await inProcessEmulator({ apiDialect: '2026-04' });
  const ownerA = await emu.persona('agent');
  const adminA = await emu.persona('human');
  const memberA = await emu.persona('human');
  const org = (await emu.ok('POST', '/current/org/create/', { token: ownerA.token, form: { domain: 'tenant-a', name: 'Tenant Alpha Secret' } })).org as {
    id: string;
    domain: string;
  };
  const ws = (
    await emu.ok('POST', `/current/org/${org.id}/create/workspace/`, {
      token: ownerA.token,
      form: { ...WS_FORM, folder_name: 'alpha-docs', name: 'Alpha Confidential' },
    })
  ).workspace as { id: string };
  await emu.ok('POST', `/current/org/${org.id}/members/${adminA.id}/`, { token: ownerA.token, form: { permissions: 'admin' } });
  await emu.ok('POST', `/current/workspace/${ws.id}/members/${memberA.id}/`, { token: ownerA.token, form: { permissions: 'member' } });
  const invite = (await emu.ok('POST', `/current/org/${org.id}/members/invitee%40alpha.test/`, { token: ownerA.token, form: { permissions: 'member' } }))
    .member as {
    invite: { id: string };
  };
  const token = await emu.ok('POST', `/current/org/${org.id}/transfer/token/create/`, { token: ownerA.token });
  // Storage and intelligence ids of tenant A: a note, and a chat (on a plan with ai_agent).
  const note = (
    await emu.ok('POST', `/current/workspace/${ws.id}/storage/root/createnote/`, {
      token: ownerA.token,
      form: {
        name: 'alpha-secret.md',
        content: 'Alpha confidential plans.',
      },
    })
  ).node as { id: string };
  await emu.ok('POST', `/current/org/${org.id}/billing/`, { token: ownerA.token, form: { billing_plan: 'pro' } });
  const chat = await emu.ok('POST', `/current/workspace/${ws.id}/ai/chat/`, {
    token: ownerA.token,
    form: { type: 'chat', question: 'What are the alpha plans?' },
  });
  await emu.emulator.jobs.settle();
  // A share of tenant A (the share import names one).
  const share = (
    await emu.ok('POST', `/current/workspace/${ws.id}/create/share/`, { token: ownerA.token, form: { title: 'Alpha Share', intelligence: 'false' } })
  ).share as { id: string };

  // Tenant B: an owner, an admin, a member, a workspace member, and a user with no org at all.
  const ownerB = await emu.persona('agent');
  const adminB = await emu.persona('human');
  const wsMemberB = await emu.persona('human');
  const loner = await emu.persona('human');
  const orgB = (await emu.ok('POST', '/current/org/create/', { token: ownerB.token, form: { domain: 'tenant-b', name: 'Tenant Bravo' } })).org as {
    id: string;
  };
  const wsB = (
    await emu.ok('POST', `/current/org/${orgB.id}/create/workspace/`, { token: ownerB.token, form: { ...WS_FORM, folder_name: 'bravo-docs', name: 'Bravo' } })
  ).workspace as {
    id: string;
  };
  await emu.ok('POST', `/current/org/${orgB.id}/members/${adminB.id}/`, { token: ownerB.token, form: { permissions: 'admin' } });
  await emu.ok('POST', `/current/workspace/${wsB.id}/members/${wsMemberB.id}/`, { token: ownerB.token, form: { permissions: 'admin' } });

  const values: Record<string, string> = {
    org_id: org.id,
    workspace_id: ws.id,
    member: memberA.id,
    invitation_id: invite.invite.id,
    token_id: token.id as string,
    node_id: note.id,
    chat_id: chat.chat_id as string,
    message_id: chat.message_id as string,
    version_id: emu.emulator.db.nodes.get(note.id)!.versionId!,
    share_id: share.id,
    // previews and transforms (storage/preview-routes.ts)
    preview_type: 'thumbnail',
    transform_name: 'image',
    asset_name: 'logo',
    // imports: ids of the right shape (the workspace refuses before any is looked up)
    identity_id: `a${'0'.repeat(28)}`,
    source_id: `a${'1'.repeat(28)}`,
    job_id: `a${'2'.repeat(28)}`,
    writeback_id: `a${'3'.repeat(28)}`,
    // metadata: tenant A's template, and a list filter
    template_id: (
      await emu.ok('POST', `/current/workspace/${ws.id}/metadata/templates/`, {
        token: ownerA.token,
        form: { name: 'Alpha Invoices', description: 'd', category: 'financial', fields: '[{"name":"amount","type":"float"}]' },
      })
    ).template_id as string,
    filter: 'all',
  };
  const secrets = [
    org.id,
    org.domain,
    'Tenant Alpha Secret',
    ws.id,
    'alpha-docs',
    'Alpha Confidential',
    ownerA.email,
    adminA.email,
    memberA.email,
    token.token as string,
    note.id,
    'alpha-secret.md',
    chat.chat_id as string,
  ];
  // The routes this dialect serves (a route of the other dialect answers 501/404 before any access check).
  const routes = emu.routes.filter((r) => r.access && servesDialect(r, emu.emulator.config.apiDialect));
  const callers = { ownerB, adminB, wsMemberB, loner };

  it('covers the tenancy routes', () => {
    expect(routes.length).toBeGreaterThanOrEqual(25);
  });

  for (const route of routes) {
    for (const [who, caller] of Object.entries(callers)) {
      it(`${route.method} ${route.path} as ${who}`, async () => {
        const path = route.path.replace(/:([a-z_]+)/g, (_m, name: string) => {
          const v = values[name];
          if (!v) throw new Error(`no value for :${name} in ${route.path}`);
          return encodeURIComponent(v);
        });
        const before = JSON.stringify(emu.emulator.exportState().tables);
        // A body that would be valid for many routes: the access check must refuse before it matters.
        const res = await emu.call(route.method, `${path}?confirm=${org.domain}`, {
          token: caller.token,
          form: { permissions: 'admin', name: 'Hijacked', confirm: org.domain },
        });
        const expected = 'org' in route.access! ? { status: 404, code: 1609 } : { status: 401, code: 10545 };
        expect({ status: res.status, code: res.body.error?.code }, res.text).toEqual(expected);
        const { resource: _echo, ...said } = res.body.error!;
        for (const s of secrets) expect(JSON.stringify(said)).not.toContain(s);
        expect(JSON.stringify(emu.emulator.exportState().tables)).toBe(before);
      });
    }
  }
});

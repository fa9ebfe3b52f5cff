/**
 * Races (issue 9, item 3).
 *
 * - 1,000 credit-consuming requests at once against an almost spent budget, over real HTTP (the
 *   CLI) and in process (chat messages): exactly the affordable ones succeed, `remaining` never goes
 *   below zero, the ledger sums to the charges.
 * - Concurrent member and workspace changes: one owner per org and workspace, one live workspace
 *   per folder_name, plan limits that hold, one account per email, one org per domain.
 * - The services' async gaps. Most of a request runs in one synchronous step after its access
 *   check; where a service awaits (scrypt in sign-up and sign-in, reading documents for the index
 *   or ingestion, a long-poll's wait, a fault rule's delay), what was checked before the await must
 *   be checked again after it. Each gap is held open here deterministically (a gate around document
 *   extraction, fake timers for the fault delay, the hub's waiter count for the long-poll) while
 *   another request changes what was checked.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { spawnEmulator, stopChild } from '../../contracts/target.js';
import { HOLD_JOBS, type Answer, inProcessEmulator, type InProcessEmulator, WS_FORM, UNIT_TEST_DIALECT } from '../support/client.js';
import { prng, report, scale } from './support.js';

/** A gate around document extraction: armed, every extraction waits until it is released. */
const gate = vi.hoisted(() => {
  const g = {
    armed: false,
    entered: 0,
    release: () => {},
    opened: Promise.resolve(),
    arm(): void {
      g.armed = true;
      g.entered = 0;
      g.opened = new Promise<void>((resolve) => {
        g.release = () => {
          g.armed = false;
          resolve();
        };
      });
    },
  };
  return g;
});

vi.mock('../../emulator/intelligence/engine/extract.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../emulator/intelligence/engine/extract.js')>();
  return {
    ...original,
    extractDocument: async (...args: Parameters<typeof original.extractDocument>) => {
      if (gate.armed) {
        gate.entered++;
        await gate.opened;
      }
      return original.extractDocument(...args);
    },
  };
});

/** Yield to the event loop until `cond` holds (a condition the test can observe, never a sleep). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

const summary: Record<string, unknown> = {};
afterAll(() => report('races', summary));

/** Every org has exactly one active owner; every live workspace at most one explicit owner row. */
function ownersProblems(h: InProcessEmulator): string[] {
  const db = h.emulator.db;
  const out: string[] = [];
  for (const org of db.orgs.values()) {
    if (org.closed) continue;
    const owners = db.orgMembers.find('org', org.id).filter((m) => m.role === 'owner' && m.status === 'active');
    if (owners.length !== 1) out.push(`org ${org.domain}: ${owners.length} owners`);
  }
  for (const ws of db.workspaces.values()) {
    if (ws.deleted) continue;
    const owners = db.workspaceMembers.find('workspace', ws.id).filter((m) => m.role === 'owner');
    if (owners.length > 1) out.push(`workspace ${ws.folderName}: ${owners.length} owners`);
  }
  const live = new Map<string, number>();
  for (const ws of db.workspaces.values()) if (!ws.deleted) live.set(`${ws.orgId}/${ws.folderName}`, (live.get(`${ws.orgId}/${ws.folderName}`) ?? 0) + 1);
  for (const [k, n] of live) if (n > 1) out.push(`folder ${k}: ${n} live workspaces`);
  return out;
}

function tally(answers: Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const code = (a.body as { error?: { code?: number } } | undefined)?.error?.code;
    const k = code === undefined ? String(a.status) : `${a.status}/${code}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

describe('credits under 1,000 concurrent requests', () => {
  it('over HTTP: 1,000 charges of 1 credit against 137 remaining: exactly 137 succeed, the ledger sums to the limit', async () => {
    const emu = await spawnEmulator(['--api-dialect', UNIT_TEST_DIALECT]);
    try {
      const post = (path: string, form: Record<string, string>, token?: string) =>
        fetch(`${emu.url}${path}`, {
          method: 'POST',
          headers: {
            'x-fastio-emulator-client': '1',
            'content-type': 'application/x-www-form-urlencoded',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: new URLSearchParams(form).toString(),
        });
      const persona = (await (await post('/_emulator/users/', { account_type: 'human' })).json()) as { api_key: string };
      const org = ((await (await post('/current/org/create/', { domain: 'race-credits' }, persona.api_key)).json()) as { org: { id: string } }).org;
      // The free plan: 10,000 credits a period.
      const pre = await post('/_emulator/ledger/charge', { org_id: org.id, kind: 'ai_tokens', credits: '9863', units: '986300' });
      expect(pre.status).toBe(200);
      const n = scale(1000, 5000);
      const seen: number[] = [];
      const charge = async () => {
        const r = await post('/_emulator/ledger/charge', { org_id: org.id, kind: 'ai_tokens', credits: '1', units: '100' });
        const body = (await r.json()) as { credits_remaining?: number; error?: { code: number } };
        if (r.status === 200) seen.push(body.credits_remaining!);
        return { status: r.status, code: body.error?.code };
      };
      const watch = async () => {
        const r = await fetch(`${emu.url}/current/org/${org.id}/billing/usage/limits/credits/`, { headers: { authorization: `Bearer ${persona.api_key}` } });
        const b = (await r.json()) as { credits_remaining: number; credits_used: number };
        seen.push(b.credits_remaining);
        return b;
      };
      const results = await Promise.all([...Array.from({ length: n }, charge), ...Array.from({ length: 50 }, watch)]);
      const charges = results.slice(0, n) as { status: number; code?: number }[];
      const ok = charges.filter((c) => c.status === 200).length;
      const refused = charges.filter((c) => c.status === 402 && c.code === 1696).length;
      expect(ok).toBe(137);
      expect(refused).toBe(n - 137);
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
      const after = await watch();
      expect(after).toMatchObject({ credits_used: 10_000, credits_remaining: 0 });
      const { state } = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { state: { tables: { ledger: { orgId: string; credits: number }[] } } };
      const entries = state.tables.ledger.filter((e) => e.orgId === org.id);
      expect(entries.length).toBe(1 + 137);
      expect(entries.reduce((s, e) => s + e.credits, 0)).toBe(10_000);
      summary.httpCharges = { requests: n, succeeded: ok, refused402: refused, concurrentReads: 50, ledgerEntries: entries.length };
    } finally {
      await stopChild(emu.child);
    }
  }, 60_000);

  it('over HTTP: charges of seeded random sizes: the ones that succeed fit, every refused one was larger than what is left', async () => {
    const emu = await spawnEmulator(['--api-dialect', UNIT_TEST_DIALECT]);
    try {
      const post = (path: string, form: Record<string, string>) =>
        fetch(`${emu.url}${path}`, {
          method: 'POST',
          headers: { 'x-fastio-emulator-client': '1', 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form).toString(),
        });
      const persona = (await (await post('/_emulator/users/', { account_type: 'agent' })).json()) as { api_key: string };
      const org = (
        (await (
          await fetch(`${emu.url}/current/org/create/`, {
            method: 'POST',
            headers: { 'x-fastio-emulator-client': '1', 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${persona.api_key}` },
            body: 'domain=race-sizes',
          })
        ).json()) as { org: { id: string } }
      ).org;
      // The agent plan: 5,000 credits; 4,700 spent leaves 300.
      await post('/_emulator/ledger/charge', { org_id: org.id, kind: 'storage', credits: '4700' });
      const rand = prng(0x5eed);
      const sizes = Array.from({ length: 1000 }, () => Math.round((0.5 + rand() * 19.5) * 100) / 100);
      const results = await Promise.all(
        sizes.map(async (credits) => {
          const r = await post('/_emulator/ledger/charge', { org_id: org.id, kind: 'audio', credits: String(credits) });
          const b = (await r.json()) as { credits_remaining?: number };
          return { credits, status: r.status, remaining: b.credits_remaining };
        }),
      );
      const ok = results.filter((r) => r.status === 200);
      const refused = results.filter((r) => r.status === 402);
      expect(ok.length + refused.length).toBe(1000);
      const spent = ok.reduce((s, r) => s + r.credits, 0);
      const left = 300 - spent;
      expect(left).toBeGreaterThanOrEqual(-1e-6);
      for (const r of ok) expect(r.remaining!).toBeGreaterThanOrEqual(0);
      // Remaining only shrinks: a refusal at any moment means it was larger than the final remainder.
      for (const r of refused) expect(r.credits).toBeGreaterThan(left - 1e-6);
      const { state } = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { state: { tables: { ledger: { orgId: string; credits: number }[] } } };
      const total = state.tables.ledger.filter((e) => e.orgId === org.id).reduce((s, e) => s + e.credits, 0);
      expect(Math.abs(total - (4700 + spent))).toBeLessThan(1e-6);
      summary.httpSizedCharges = { requests: 1000, succeeded: ok.length, refused402: refused.length, creditsLeft: Math.round(left * 100) / 100 };
    } finally {
      await stopChild(emu.child);
    }
  }, 60_000);

  it('in process: 1,000 chat messages at once against a nearly spent budget: nothing stored or charged past it', async () => {
    const h = await inProcessEmulator(HOLD_JOBS);
    const owner = await h.persona('human');
    const org = (await h.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'race-chat' } })).org as { id: string };
    const ws = (
      await h.ok('POST', `/current/org/${org.id}/create/workspace/`, {
        token: owner.token,
        form: {
          ...WS_FORM,
          folder_name: 'race-chat',
          name: 'Race chat',
          intelligence: 'true',
        },
      })
    ).workspace as { id: string };
    await h.uploadFile(owner.token, ws.id, 'orchards.txt', 'Apple orchards need pruning in winter. Pear trees need less water than apples.');
    await h.emulator.jobs.drain();
    const chat = await h.ok('POST', `/current/workspace/${ws.id}/ai/chat/`, {
      token: owner.token,
      form: { type: 'chat_with_files', question: 'When are orchards pruned?' },
    });
    const used = h.emulator.ledger.used(h.emulator.db.orgs.get(org.id)!);
    await h.ok('POST', '/_emulator/ledger/charge', { form: { org_id: org.id, kind: 'storage', credits: String(10_000 - used - 25) } });
    const n = scale(1000, 3000);
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        h.call('POST', `/current/workspace/${ws.id}/ai/chat/${chat.chat_id as string}/message/`, {
          token: owner.token,
          form: {
            question: `Question ${i}: which trees need less water?`,
          },
        }),
      ),
    );
    const t = tally(answers);
    expect(Object.keys(t).sort()).toEqual(['200', '402/1696']);
    const orgRow = h.emulator.db.orgs.get(org.id)!;
    const entries = h.emulator.db.ledger.find('org', org.id);
    const total = entries.reduce((s, e) => s + e.credits, 0);
    expect(total).toBeLessThanOrEqual(10_000 + 1e-9);
    expect(h.emulator.ledger.remaining(orgRow)).toBeGreaterThanOrEqual(0);
    const tokenEntries = entries.filter((e) => e.kind === 'ai_tokens' && e.objectId === chat.chat_id);
    // One message and one charge per success (the first message came with the chat), none per refusal.
    expect(tokenEntries.length).toBe(t['200']! + 1);
    expect(h.emulator.db.chatMessages.count('chat', chat.chat_id as string)).toBe(t['200']! + 1);
    // The smallest refused message costs more than what is left.
    const costs = h.emulator.db.chatMessages.find('chat', chat.chat_id as string).map((m) => m.credits);
    expect(h.emulator.ledger.remaining(orgRow)!).toBeLessThan(Math.max(...costs));
    summary.inProcessChatMessages = { requests: n, ...t, creditsLeft: h.emulator.ledger.remaining(orgRow) };
  }, 60_000);
});

describe('concurrent member and workspace changes', async () => {
  const h = await inProcessEmulator(HOLD_JOBS);
  const counts: Record<string, Record<string, number>> = {};
  afterAll(() => {
    summary.concurrentChanges = counts;
  });

  it('50 creates of one folder_name: one workspace', async () => {
    const owner = await h.persona('human');
    const org = (await h.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'race-folder', billing_plan: 'pro' } })).org as {
      id: string;
    };
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        h.call('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'same-folder', name: `Try ${i}` } }),
      ),
    );
    counts.sameFolder = tally(answers);
    expect(counts.sameFolder).toEqual({ '200': 1, '409/1660': 49 });
    expect(ownersProblems(h)).toEqual([]);
  });

  it('20 creates with distinct folder names on a 3-workspace plan: three workspaces', async () => {
    const owner = await h.persona('human');
    const org = (await h.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'race-ws-limit' } })).org as { id: string };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.call('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: `limit-${i}`, name: `Limit ${i}` } }),
      ),
    );
    counts.workspaceLimit = tally(answers);
    expect(counts.workspaceLimit).toEqual({ '200': 3, '402/1685': 17 });
    expect(h.emulator.db.workspaces.find('org', org.id).filter((w) => !w.deleted).length).toBe(3);
  });

  it('30 adds of distinct users to a 5-member workspace, and 10 adds of one user: the limit and uniqueness hold', async () => {
    const owner = await h.persona('agent');
    const org = (await h.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'race-members' } })).org as { id: string };
    const ws = (
      await h.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'members', name: 'Members' } })
    ).workspace as {
      id: string;
    };
    const users = await Promise.all(Array.from({ length: 30 }, () => h.persona('human')));
    const answers = await Promise.all(
      users.map((u) => h.call('POST', `/current/workspace/${ws.id}/members/${u.id}/`, { token: owner.token, form: { permissions: 'member' } })),
    );
    counts.memberLimit = tally(answers);
    // The owner's own row counts: four more fit the agent plan's five.
    expect(counts.memberLimit).toEqual({ '200': 4, '402/1685': 26 });
    expect(h.emulator.db.workspaceMembers.count('workspace', ws.id)).toBe(5);
    const ws2 = (
      await h.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'members-2', name: 'Members 2' } })
    ).workspace as {
      id: string;
    };
    const same = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.call('POST', `/current/workspace/${ws2.id}/members/${users[0]!.id}/`, { token: owner.token, form: { permissions: 'member' } }),
      ),
    );
    counts.sameMember = tally(same);
    expect(counts.sameMember).toEqual({ '200': 1, '409/1660': 9 });
    // Self-joins of org members race the limit too.
    const joiners = await Promise.all(Array.from({ length: 10 }, () => h.persona('human')));
    for (const j of joiners) await h.ok('POST', `/current/org/${org.id}/members/${j.id}/`, { token: owner.token, form: { permissions: 'member' } });
    const joins = await Promise.all(joiners.map((j) => h.call('POST', `/current/workspace/${ws2.id}/members/join/`, { token: j.token })));
    counts.selfJoins = tally(joins);
    expect(counts.selfJoins).toEqual({ '200': 3, '402/1685': 7 });
  });

  it('10 transfers of one org to 10 members at once: one owner, the one whose transfer succeeded', async () => {
    const owner = await h.persona('human');
    const org = (await h.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'race-transfer', billing_plan: 'pro' } })).org as {
      id: string;
    };
    const ws = (
      await h.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'transfer', name: 'Transfer' } })
    ).workspace as {
      id: string;
    };
    const members = await Promise.all(Array.from({ length: 10 }, () => h.persona('human')));
    for (const m of members) {
      await h.ok('POST', `/current/org/${org.id}/members/${m.id}/`, { token: owner.token, form: { permissions: 'admin' } });
      await h.ok('POST', `/current/workspace/${ws.id}/members/${m.id}/`, { token: owner.token, form: { permissions: 'admin' } });
    }
    const answers = await Promise.all(members.map((m) => h.call('POST', `/current/org/${org.id}/member/${m.id}/transfer_ownership/`, { token: owner.token })));
    counts.orgTransfers = tally(answers);
    expect(counts.orgTransfers).toEqual({ '200': 1, '403/1680': 9 });
    const winner = members[answers.findIndex((a) => a.status === 200)]!;
    const owners = h.emulator.db.orgMembers.find('org', org.id).filter((m) => m.role === 'owner');
    expect(owners.map((o) => o.userId)).toEqual([winner.id]);
    const wsAnswers = await Promise.all(
      members.map((m) => h.call('POST', `/current/workspace/${ws.id}/member/${m.id}/transfer_ownership/`, { token: owner.token })),
    );
    counts.workspaceTransfers = tally(wsAnswers);
    expect(counts.workspaceTransfers['200']).toBe(1);
    expect(ownersProblems(h)).toEqual([]);
  });

  it('5 claims of one org with its 5 transfer tokens at once: one new owner on the free plan', async () => {
    const agent = await h.persona('agent');
    const org = (await h.ok('POST', '/current/org/create/', { token: agent.token, form: { domain: 'race-claim' } })).org as { id: string };
    await h.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: agent.token, form: { ...WS_FORM, folder_name: 'claimed', name: 'Claimed' } });
    const tokens = await Promise.all(Array.from({ length: 5 }, () => h.ok('POST', `/current/org/${org.id}/transfer/token/create/`, { token: agent.token })));
    const humans = await Promise.all(Array.from({ length: 5 }, () => h.persona('human')));
    const answers = await Promise.all(
      humans.map((u, i) => h.call('POST', '/current/org/transfer/claim/', { token: u.token, form: { token: tokens[i]!.token as string } })),
    );
    counts.claims = tally(answers);
    expect(counts.claims['200']).toBe(1);
    expect(answers.every((a) => a.status === 200 || a.status === 404 || a.status === 400)).toBe(true);
    const winner = humans[answers.findIndex((a) => a.status === 200)]!;
    expect(
      h.emulator.db.orgMembers
        .find('org', org.id)
        .filter((m) => m.role === 'owner')
        .map((m) => m.userId),
    ).toEqual([winner.id]);
    expect(h.emulator.db.orgs.get(org.id)!.plan).toBe('free');
    expect(ownersProblems(h)).toEqual([]);
  });

  it('20 sign-ups of one address at once (each awaits scrypt): one account', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.call('POST', '/current/user/', { form: { email_address: 'twin@race.test', password: `password-${i}`, tos_agree: 'true', agent: 'true' } }),
      ),
    );
    counts.signUps = tally(answers);
    expect(counts.signUps).toEqual({ '200': 1, '409/1660': 19 });
    expect([...h.emulator.db.users.values()].filter((u) => u.emailKey === 'twin@race.test').length).toBe(1);
  });

  it('20 orgs of one domain at once: one org', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, () => h.persona('human')));
    const answers = await Promise.all(users.map((u) => h.call('POST', '/current/org/create/', { token: u.token, form: { domain: 'race-domain' } })));
    counts.sameDomain = tally(answers);
    expect(counts.sameDomain).toEqual({ '200': 1, '409/1660': 19 });
  });

  it('a member removed, re-added, promoted and leaving all at once: the rows stay consistent', async () => {
    const owner = await h.persona('human');
    const org = (await h.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'race-churn', billing_plan: 'pro' } })).org as { id: string };
    const ws = (
      await h.ok('POST', `/current/org/${org.id}/create/workspace/`, { token: owner.token, form: { ...WS_FORM, folder_name: 'churn', name: 'Churn' } })
    ).workspace as {
      id: string;
    };
    const people = await Promise.all(Array.from({ length: 8 }, () => h.persona('human')));
    const rand = prng(42);
    const ops: Promise<Answer>[] = [];
    for (let round = 0; round < 40; round++) {
      for (const p of people) {
        const r = rand();
        if (r < 0.3) ops.push(h.call('POST', `/current/workspace/${ws.id}/members/${p.id}/`, { token: owner.token, form: { permissions: 'member' } }));
        else if (r < 0.5) ops.push(h.call('DELETE', `/current/workspace/${ws.id}/members/${p.id}/`, { token: owner.token }));
        else if (r < 0.7)
          ops.push(h.call('POST', `/current/workspace/${ws.id}/member/${p.id}/update/`, { token: owner.token, form: { permissions: 'admin' } }));
        else if (r < 0.85) ops.push(h.call('DELETE', `/current/workspace/${ws.id}/member/`, { token: p.token }));
        else ops.push(h.call('POST', `/current/workspace/${ws.id}/member/${p.id}/transfer_ownership/`, { token: owner.token }));
      }
    }
    const answers = await Promise.all(ops);
    counts.churn = tally(answers);
    expect(answers.every((a) => a.status < 500)).toBe(true);
    expect(ownersProblems(h)).toEqual([]);
  });
});

describe('checks are made again after every await', async () => {
  const h = await inProcessEmulator(HOLD_JOBS);
  const owner = await h.persona('human');
  const guest = await h.persona('human');
  const org = (await h.ok('POST', '/current/org/create/', { token: owner.token, form: { domain: 'race-gaps', billing_plan: 'pro' } })).org as { id: string };
  const gaps: Record<string, string> = {};
  afterAll(() => {
    summary.asyncGaps = gaps;
  });

  /** A fresh workspace with an ingested file, the guest as an explicit member, and indexes dropped. */
  async function workspace(name: string): Promise<{ id: string; file: string }> {
    const ws = (
      await h.ok('POST', `/current/org/${org.id}/create/workspace/`, {
        token: owner.token,
        form: { ...WS_FORM, folder_name: name, name, intelligence: 'true' },
      })
    ).workspace as {
      id: string;
    };
    const file = (await h.uploadFile(owner.token, ws.id, 'pruning.txt', 'Orchards are pruned in winter when the trees are dormant.')).body as {
      new_file_id: string;
    };
    await h.emulator.jobs.drain();
    await h.ok('POST', `/current/workspace/${ws.id}/members/${guest.id}/`, { token: owner.token, form: { permissions: 'member' } });
    // As after a restart: the next search or chat reads the documents again to rebuild the index.
    h.emulator.importState(h.emulator.exportState());
    return { id: ws.id, file: file.new_file_id };
  }

  async function whileGated<T>(start: () => Promise<T>, meanwhile: () => Promise<unknown>): Promise<T> {
    gate.arm();
    const pending = start();
    await until(() => gate.entered > 0, 'the request reached document extraction');
    await meanwhile();
    gate.release();
    return pending;
  }

  it('a chat whose answer waited for the index: the caller removed meanwhile gets 401/10545, nothing is charged or stored', async () => {
    const ws = await workspace('gap-chat');
    const before = h.emulator.db.ledger.find('org', org.id).length;
    const a = await whileGated(
      () =>
        h.call('POST', `/current/workspace/${ws.id}/ai/chat/`, {
          token: guest.token,
          form: { type: 'chat_with_files', question: 'When are orchards pruned?' },
        }),
      () => h.ok('DELETE', `/current/workspace/${ws.id}/members/${guest.id}/`, { token: owner.token }),
    );
    gaps.chatMemberRemoved = `${a.status}`;
    expect({ status: a.status, code: (a.body as { error?: { code: number } }).error?.code }).toEqual({ status: 401, code: 10545 });
    expect(h.emulator.db.chats.find('workspace', ws.id)).toEqual([]);
    expect(h.emulator.db.ledger.find('org', org.id).length).toBe(before);
  });

  it('a chat whose workspace was deleted or lost intelligence during the wait is refused', async () => {
    const ws = await workspace('gap-deleted');
    const deleted = await whileGated(
      () =>
        h.call('POST', `/current/workspace/${ws.id}/ai/chat/`, {
          token: owner.token,
          form: { type: 'chat_with_files', question: 'When are orchards pruned?' },
        }),
      () => h.ok('DELETE', `/current/workspace/${ws.id}/delete/?confirm=gap-deleted`, { token: owner.token }),
    );
    gaps.chatWorkspaceDeleted = `${deleted.status}`;
    expect(deleted.status).toBe(404);
    const ws2 = await workspace('gap-off');
    const off = await whileGated(
      () =>
        h.call('POST', `/current/workspace/${ws2.id}/ai/chat/`, {
          token: owner.token,
          form: { type: 'chat_with_files', question: 'When are orchards pruned?' },
        }),
      () => h.ok('POST', `/current/workspace/${ws2.id}/update/`, { token: owner.token, form: { intelligence: 'false' } }),
    );
    gaps.chatIntelligenceOff = `${off.status}`;
    expect(off.status).toBe(400);
    expect(h.emulator.db.chats.find('workspace', ws.id).length + h.emulator.db.chats.find('workspace', ws2.id).length).toBe(0);
  });

  it('a follow-up message whose chat was deleted during the wait is refused', async () => {
    const ws = await workspace('gap-message');
    const chat = await h.ok('POST', `/current/workspace/${ws.id}/ai/chat/`, {
      token: owner.token,
      form: { type: 'chat_with_files', question: 'When are orchards pruned?' },
    });
    h.emulator.importState(h.emulator.exportState());
    const a = await whileGated(
      () => h.call('POST', `/current/workspace/${ws.id}/ai/chat/${chat.chat_id as string}/message/`, { token: guest.token, form: { question: 'And pears?' } }),
      () => h.ok('DELETE', `/current/workspace/${ws.id}/ai/chat/${chat.chat_id as string}/`, { token: owner.token }),
    );
    gaps.messageChatDeleted = `${a.status}`;
    expect(a.status).toBe(404);
    expect(h.emulator.db.chatMessages.count('chat', chat.chat_id as string)).toBe(1);
  });

  it('a search that waited for the index answers a caller removed meanwhile with 401/10545 and no hits', async () => {
    const ws = await workspace('gap-search');
    const a = await whileGated(
      () => h.call('GET', `/current/workspace/${ws.id}/storage/search/?search=orchards%20pruned`, { token: guest.token }),
      () => h.ok('DELETE', `/current/workspace/${ws.id}/members/${guest.id}/`, { token: owner.token }),
    );
    gaps.searchMemberRemoved = `${a.status}`;
    expect(a.status).toBe(401);
    expect(a.text).not.toContain(ws.file);
  });

  it('ingestion of a file whose workspace was deleted while it was read: not charged, not left in progress', async () => {
    const ws = (
      await h.ok('POST', `/current/org/${org.id}/create/workspace/`, {
        token: owner.token,
        form: {
          ...WS_FORM,
          folder_name: 'gap-ingest',
          name: 'Gap ingest',
          intelligence: 'true',
        },
      })
    ).workspace as { id: string };
    const file = ((await h.uploadFile(owner.token, ws.id, 'late.txt', 'A file read while its workspace goes away.')).body as { new_file_id: string })
      .new_file_id;
    gate.arm();
    const drained = h.emulator.jobs.drain();
    await until(() => gate.entered > 0, 'ingestion reached document extraction');
    await h.ok('DELETE', `/current/workspace/${ws.id}/delete/?confirm=gap-ingest`, { token: owner.token });
    gate.release();
    await drained;
    const node = h.emulator.db.nodes.get(file)!;
    gaps.ingestionWorkspaceDeleted = node.ai.state;
    expect(node.ai.state).not.toBe('in_progress');
    expect(h.emulator.db.ledger.find('org', org.id).filter((e) => e.kind === 'ingestion' && e.objectId === file)).toEqual([]);
  });

  it('a long-poll held while its caller is removed from the workspace answers 401/10545, not the activity', async () => {
    const ws = await workspace('gap-poll');
    const first = await h.ok('GET', `/current/activity/poll/${ws.id}/`, { token: guest.token });
    const polling = h.call('GET', `/current/activity/poll/${ws.id}/?wait=95&lastactivity=${first.lastactivity as string}`, { token: guest.token });
    await until(() => h.emulator.activityHub.waiting === 1, 'the long-poll is waiting');
    await h.ok('DELETE', `/current/workspace/${ws.id}/members/${guest.id}/`, { token: owner.token });
    const a = await polling;
    gaps.longPollMemberRemoved = `${a.status}`;
    expect({ status: a.status, code: (a.body as { error?: { code: number } }).error?.code }).toEqual({ status: 401, code: 10545 });
  });

  it('a request held by a fault delay is authorized again when the delay ends', async () => {
    const ws = await workspace('gap-fault');
    await h.ok('POST', '/_emulator/faults', { form: { path: `/current/workspace/${ws.id}/storage/root/createnote/`, delay_ms: '60000' } });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // (The harness's own timeout runs on the faked clock too: longer than the delay.)
      const pending = h.inject({
        method: 'POST',
        url: `/current/workspace/${ws.id}/storage/root/createnote/`,
        headers: { authorization: `Bearer ${guest.token}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'name=late.md&content=written+after+removal%3F',
        timeoutMs: 600_000,
      });
      await until(() => h.emulator.faults.list()[0]?.hits === 1, 'the request is held by the fault delay');
      await h.ok('DELETE', `/current/workspace/${ws.id}/members/${guest.id}/`, { token: owner.token });
      vi.advanceTimersByTime(60_000);
      const a = await pending;
      gaps.faultDelayMemberRemoved = `${a.status}`;
      expect(a.status).toBe(401);
      expect(h.emulator.db.nodes.find('workspace', ws.id).some((n) => n.name === 'late.md')).toBe(false);
    } finally {
      vi.useRealTimers();
      h.emulator.faults.clear();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_CLIENT_HEADER } from '../../contracts/client.js';
import { startEmulator, type RunningEmulator } from '../../emulator/index.js';
import { aiScenario } from './ai-scenario.js';
import { shareAiScenario } from './shareai-scenario.js';
import { COMMANDS, UNSERVED_GROUPS, OFFLINE_GROUPS } from './commands.js';
import { dashboardScenario } from './dashboard-scenario.js';
import { oauthScenario } from './oauth-scenario.js';
import { identity2Scenario } from './identity2-scenario.js';
import { storageNodesScenario } from './storage-nodes-scenario.js';
import { storage5Scenario } from './storage5-scenario.js';
import { fileshareWritebackScenario } from './fileshare-writeback-scenario.js';
import { invitationsScenario } from './invitations-scenario.js';
import { uploadsScenario } from './uploads-scenario.js';
import { sharestoreScenario } from './sharestore-scenario.js';
import { commentsScenario } from './comments-scenario.js';
import { assetsScenario } from './assets5-scenario.js';
import { importsScenario } from './imports5-scenario.js';
import { metadata5Scenario } from './metadata5-scenario.js';
import { april5Scenario } from './april5-scenario.js';
import { findOfficialCli, leafCommands, OfficialCli, subcommands } from './cli.js';

/** The emulator's own clients name themselves on the control plane (emulator/http/control-guard.ts). */
const CONTROL = { [CONTROL_CLIENT_HEADER]: '1' };

/**
 * The official Fast.io CLI (a client nobody here wrote) against the emulator over real HTTP: every
 * command of the table that must pass is run and its JSON checked; the others must fail as the
 * table says. Without the binary the file is skipped, and says so once.
 */
const BIN = findOfficialCli();
if (!BIN) console.log('official-client: SKIPPED, no official Fast.io CLI here (set FASTIO_CLI, or put the build at ../shared/fastio-cli/fastio)');

interface Persona {
  user_id: string;
  email_address: string;
  password: string;
  api_key: string;
}

type Json = Record<string, unknown>;
const list = (j: Json, key: string) => j[key] as Json[];
const ids = (items: Json[]) => items.map((i) => i.id);
const unique = () => randomBytes(4).toString('hex');

describe.skipIf(!BIN)('official client (fastio 0.2.13) against the emulator', () => {
  let emu: RunningEmulator;
  let cli: OfficialCli;
  let tmp: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'fastio-official-'));
    mkdirSync(join(tmp, 'home'));
    // The client is the V2 one (96b1551): the emulator speaks its dialect.
    emu = await startEmulator({ port: 0, host: '127.0.0.1', apiDialect: 'v2' });
    cli = new OfficialCli(BIN!, `${emu.url}/current`, join(tmp, 'home'));
  });

  afterAll(async () => {
    await emu?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function persona(accountType: 'agent' | 'human' = 'human'): Promise<Persona> {
    const res = await fetch(`${emu.url}/_emulator/users/`, { method: 'POST', headers: CONTROL, body: new URLSearchParams({ account_type: accountType }) });
    expect(res.status).toBe(200);
    return (await res.json()) as Persona;
  }

  function freshHome(): string {
    return mkdtempSync(join(tmp, 'home-'));
  }

  async function settle(): Promise<void> {
    const res = await fetch(`${emu.url}/_emulator/jobs/settle?now=true`, { method: 'POST', headers: CONTROL });
    expect(res.status).toBe(200);
  }

  /**
   * A persona with an org and a workspace, made with the client itself. A V2 org is upgrade-only
   * until it has a plan, so the client subscribes it first.
   */
  async function tenant(accountType: 'agent' | 'human' = 'human') {
    const p = await persona(accountType);
    const domain = `cli-${unique()}`;
    const org = (await cli.ok('org create', ['--domain', domain, 'Client Org'], { token: p.api_key })).org as Json;
    await cli.ok('org billing subscribe', [org.id as string, '--plan', 'growth_monthly'], { token: p.api_key });
    const ws = (await cli.ok('workspace create', ['--org', org.id as string, 'Client Workspace'], { token: p.api_key })).workspace as Json;
    return { p, token: p.api_key, org, orgId: org.id as string, ws, wsId: ws.id as string };
  }

  describe.concurrent('scenarios (each makes its own personas and tenants)', () => {
    it('auth: API keys, sign-in with a password, sign-up and email verification', async () => {
      const p = await persona();
      const t = { token: p.api_key };
      expect(await cli.ok('auth check', [], t)).toMatchObject({ valid: true, user_id: p.user_id });
      expect(await cli.ok('auth status', [], t)).toMatchObject({ authenticated: true, user_id: p.user_id });
      expect(((await cli.ok('user info', [], t)).user as Json).email_address).toBe(p.email_address);
      expect(((await cli.ok('auth session', [], t)).user as Json).id).toBe(p.user_id);
      expect(((await cli.ok('user settings get', [], t)).user as Json).id).toBe(p.user_id);

      const created = await cli.ok('auth api-key create', ['--name', 'cli key'], t);
      expect(created.api_key).toMatch(/^[A-Za-z0-9]{40,}$/);
      const keys = await cli.ok<Json[]>('auth api-key list', [], t);
      const key = keys.find((k) => k.memo === 'cli key');
      expect(key).toBeDefined();
      expect((await cli.ok('auth api-key get', [key!.id as string], t)).memo).toBe('cli key');
      expect((await cli.ok('auth api-key update', [key!.id as string, '--name', 'renamed key'], t)).memo).toBe('renamed key');
      expect(await cli.ok('auth api-key delete', ['--key-id', key!.id as string], t)).toMatchObject({ status: 'deleted', key_id: key!.id });
      expect(ids(await cli.ok<Json[]>('auth api-key list', [], t))).not.toContain(key!.id);
      // the new key itself works until deleted: the deleted one no longer does
      const withNew = await cli.run('auth check', [], { token: created.api_key as string });
      expect(withNew.code).not.toBe(0);

      // Basic-auth sign-in stores a JWT under HOME; later commands use it without --token.
      const home = freshHome();
      expect(await cli.ok('auth login', ['--email', p.email_address, '--password', p.password], { home })).toMatchObject({
        status: 'authenticated',
        email: p.email_address,
      });
      expect(await cli.ok('auth status', [], { home })).toMatchObject({ authenticated: true, user_id: p.user_id, auth_method: 'basic' });
      expect(await cli.ok('org list', [], { home })).toMatchObject({ result: true, orgs: [] });
      expect(await cli.ok('auth signout', [], { home })).toMatchObject({ status: 'signed_out' });
      expect((await cli.run('org list', [], { home })).code).not.toBe(0);
      await cli.ok('auth login', ['--email', p.email_address, '--password', p.password], { home });
      expect(await cli.ok('auth logout', [], { home })).toMatchObject({ profile: 'default' });
      expect((await cli.run('org list', [], { home })).code).not.toBe(0);

      // Sign-up signs in; verification sends a code (the emulator's mailbox) and accepts it.
      const signupHome = freshHome();
      const email = `signup-${unique()}@example.com`;
      await cli.ok('auth signup', ['--email', email, '--password', 'Sign-up-passw0rd', '--first-name', 'Ada', '--last-name', 'Client'], { home: signupHome });
      expect(await cli.ok('auth verify', ['--email', email], { home: signupHome })).toMatchObject({ status: 'sent', email });
      const mail = (await (await fetch(`${emu.url}/_emulator/mailbox/?to=${encodeURIComponent(email)}`)).json()) as { messages: { code: string }[] };
      expect(mail.messages[0]?.code).toMatch(/^\d{6}$/);
      expect(await cli.ok('auth verify', ['--email', email, '--code', mail.messages[0]!.code], { home: signupHome })).toMatchObject({ status: 'verified' });
      expect(((await cli.ok('user info', [], { home: signupHome })).user as Json).email_verified).toBe(true);

      // V2: email-check reveals nothing; invalidate-all ends the stored JWT; the profile update and the email change request.
      expect(await cli.ok('auth email-check', [p.email_address], t)).toMatchObject({ available: true });
      expect(await cli.ok('auth email-check', [`free-${unique()}@example.com`], t)).toMatchObject({ available: true });
      const everywhere = freshHome();
      await cli.ok('auth login', ['--email', p.email_address, '--password', p.password], { home: everywhere });
      expect(await cli.ok('auth invalidate-all', [], { home: everywhere })).toMatchObject({ status: 'all_sessions_invalidated' });
      expect((await cli.run('org list', [], { home: everywhere })).code).not.toBe(0);
      expect(((await cli.ok('user update', ['--first-name', 'Renamed'], t)).user as Json).first_name).toBe('Renamed');
      expect(((await cli.ok('user settings update', ['--last-name', 'Again'], t)).user as Json).last_name).toBe('Again');
      const moved = `moved-${unique()}@example.com`;
      expect(await cli.ok('user email-change request', ['--new-email', moved, '--current-password', p.password], t)).toMatchObject({
        status: 'email_change_requested',
      });
      const change = (await (await fetch(`${emu.url}/_emulator/mailbox/?to=${encodeURIComponent(moved)}`)).json()) as { messages: { code: string }[] };
      expect(change.messages[0]?.code).toMatch(/^[0-9A-Za-z]{40}$/);
    });

    it('orgs: create, list, details, update, domains, billing, workspaces, close', async () => {
      const p = await persona();
      const t = { token: p.api_key };
      const domain = `cli-${unique()}`;
      const org = (await cli.ok('org create', ['--domain', domain, '--description', 'An org made by the client', 'Client Org'], t)).org as Json;
      expect(org).toMatchObject({ domain, name: 'Client Org', owner_id: p.user_id, permissions: 'owner' });
      const orgId = org.id as string;
      expect(orgId).toMatch(/^\d{19}$/);
      expect(ids(list(await cli.ok('org list', [], t), 'orgs'))).toContain(orgId);
      expect((await cli.ok('org info', [orgId], t)).org).toMatchObject({ id: orgId, domain });
      expect((await cli.ok('org update', [orgId, '--name', 'Renamed Org', '--industry', 'technology'], t)).org).toMatchObject({
        name: 'Renamed Org',
        industry: 'technology',
      });
      expect(await cli.ok('org discover-check-domain', [domain], t)).toMatchObject({ available: false });
      expect(await cli.ok('org discover-check-domain', [`free-${unique()}`], t)).toMatchObject({ available: true });
      expect(list(await cli.ok('org discover-external', [], t), 'orgs')).toEqual([]);

      // V2 plans, amounts rendered by the client from cents; a new org is upgrade-only (402/1688).
      const plans = list(await cli.ok('org billing plans', [], t), 'plans');
      expect(plans.map((pl) => [pl.id, pl.name, pl.amount])).toEqual([
        ['solo_monthly', 'Solo', '$29.00'],
        ['business_v2_monthly', 'Business', '$99.00'],
        ['growth_monthly', 'Growth', '$299.00'],
      ]);
      expect(await cli.ok('org billing details', [orgId], t)).toMatchObject({ org_id: orgId, billing_plan: 'none', subscriber: false });
      const gated = await cli.run('org create-workspace', [orgId, `ws-${unique()}`], t);
      expect(gated.code).not.toBe(0);
      expect(gated.stderr).toMatch(/402/);
      expect(await cli.ok('org billing subscribe', [orgId, '--plan', 'solo_monthly'], t)).toMatchObject({
        org_id: orgId,
        billing_plan: 'solo_monthly',
        is_active: true,
      });
      expect(await cli.ok('org billing details', [orgId], t)).toMatchObject({ billing_plan: 'solo_monthly', subscriber: true });
      const usage = await cli.ok('org billing usage', [orgId], t);
      expect(usage.credits_used).toBe(0);
      expect(usage.credits_remaining).toBe(usage.credits_limit);
      expect(await cli.ok('org billing meters', [orgId, '--meter', 'storage_bytes'], t)).toMatchObject({ meter: 'storage_bytes', total: 0 });
      expect(ids(list(await cli.ok('org billing members', [orgId], t), 'billable_members'))).toEqual([p.user_id]);
      expect(list(await cli.ok('org billing invoices', [orgId], t), 'invoices')).toMatchObject([{ plan: 'solo_monthly', status: 'paid', total: '$29.00' }]);
      const cancelled = await cli.ok('org billing cancel', [orgId, '--yes'], t);
      expect(cancelled).toMatchObject({ status: 'scheduled_cancellation', cancel_at_period_end: true });
      expect(cancelled.cancel_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
      expect(await cli.ok('org billing reactivate', [orgId], t)).toMatchObject({ status: 'reactivated', cancel_at_period_end: false });

      const folder = `ws-${unique()}`;
      const ws = (await cli.ok('org create-workspace', [orgId, folder], t)).workspace as Json;
      expect(ws).toMatchObject({ org_id: orgId, folder_name: folder });
      expect(ids(list(await cli.ok('org workspaces', [orgId], t), 'workspaces'))).toEqual([ws.id]);

      const other = (await cli.ok('org create', ['--domain', `cli-${unique()}`, 'Closing Org'], t)).org as Json;
      await cli.ok('org delete', ['--confirm', other.domain as string, other.id as string], t);
      expect(ids(list(await cli.ok('org list', [], t), 'orgs'))).toEqual([orgId]);
    });

    it('org members, invitations, transfer tokens and ownership transfer', async () => {
      const { token, orgId, p } = await tenant('agent');
      const t = { token };
      const second = await persona();
      // An address is invited, whether or not an account holds it; its owner joins (members/invitations.ts).
      const invited = (await cli.ok('org members invite', [orgId, second.email_address], t)).member as Json;
      expect(invited).toMatchObject({ id: null, email_address: second.email_address, permissions: 'member', status: 'pending' });
      expect((await cli.ok('org members join', [orgId], { token: second.api_key })).member).toMatchObject({ id: second.user_id, status: 'active' });
      expect(ids(list(await cli.ok('org members list', [orgId], t), 'users'))).toEqual(expect.arrayContaining([p.user_id, second.user_id]));
      expect((await cli.ok('org members details', [orgId, second.user_id], t)).member).toMatchObject({ email_address: second.email_address });
      expect((await cli.ok('org members update-role', [orgId, second.user_id, 'admin'], t)).member).toMatchObject({ permissions: 'admin' });

      const stranger = `stranger-${unique()}@example.com`;
      const pending = (await cli.ok('org members invite', [orgId, stranger], t)).member as Json;
      expect(pending).toMatchObject({ email_address: stranger, status: 'pending' });
      const inviteId = (pending.invite as Json).id as string;
      const invitations = list(await cli.ok('org invitations list', [orgId], t), 'invitations');
      expect(invitations.map((i) => (i.invite as Json).id)).toEqual([inviteId]);
      await cli.ok('org invitations delete', [orgId, inviteId], t);
      expect(list(await cli.ok('org invitations list', [orgId], t), 'invitations')).toEqual([]);

      // A member may leave; the owner removes another.
      expect(await cli.ok('org members leave', [orgId], { token: second.api_key })).toBeDefined();
      expect(ids(list(await cli.ok('org members list', [orgId], t), 'users'))).toEqual([p.user_id]);
      const third = await persona();
      await cli.ok('org members invite', [orgId, third.email_address], t);
      await cli.ok('invitation accept', [], { token: third.api_key });
      expect(await cli.ok('org members remove', [orgId, third.user_id], t)).toMatchObject({ status: 'removed', member_id: third.user_id });

      // Transfer tokens are an agent's; the list shows the token made and forgets the deleted one.
      const tok = await cli.ok('org transfer-token create', [orgId], t);
      expect(tok.id).toEqual(expect.any(String));
      expect(tok.claim_url).toContain(tok.token as string);
      expect(ids(list(await cli.ok('org transfer-token list', [orgId], t), 'tokens'))).toEqual([tok.id]);
      expect(await cli.ok('org transfer-token delete', [orgId, tok.id as string], t)).toMatchObject({ status: 'deleted', token_id: tok.id });
      expect(list(await cli.ok('org transfer-token list', [orgId], t), 'tokens')).toEqual([]);

      await cli.ok('org members invite', [orgId, second.email_address], t);
      await cli.ok('user invitations accept-all', [], { token: second.api_key });
      await cli.ok('org transfer', [orgId, second.user_id], t);
      expect((await cli.ok('org info', [orgId], { token: second.api_key })).org).toMatchObject({ owner_id: second.user_id, permissions: 'owner' });
    });

    it('workspaces and their members', async () => {
      const { token, orgId, wsId, p } = await tenant();
      const t = { token };
      expect(ids(list(await cli.ok('workspace list', [], t), 'workspaces'))).toEqual([wsId]);
      expect((await cli.ok('workspace info', [wsId], t)).workspace).toMatchObject({ id: wsId, org_id: orgId, name: 'Client Workspace' });
      expect((await cli.ok('workspace update', [wsId, '--name', 'Renamed WS', '--description', 'changed by the client'], t)).workspace).toMatchObject({
        name: 'Renamed WS',
        description: 'changed by the client',
      });

      const second = await persona();
      expect((await cli.ok('member add', ['--workspace', wsId, second.email_address], t)).member).toMatchObject({ status: 'pending', permissions: 'member' });
      await cli.ok('invitation accept', [], { token: second.api_key }); // an address is invited; its owner accepts
      expect(ids(list(await cli.ok('member list', ['--workspace', wsId], t), 'users'))).toEqual(expect.arrayContaining([p.user_id, second.user_id]));
      expect((await cli.ok('member info', ['--workspace', wsId, second.user_id], t)).member).toMatchObject({ email_address: second.email_address });
      expect((await cli.ok('member update', ['--workspace', wsId, '--role', 'admin', second.user_id], t)).member).toMatchObject({ permissions: 'admin' });
      expect(await cli.ok('member remove', ['--workspace', wsId, second.user_id], t)).toMatchObject({ status: 'removed' });
      expect(ids(list(await cli.ok('member list', ['--workspace', wsId], t), 'users'))).toEqual([p.user_id]);

      const folderName = ((await cli.ok('workspace info', [wsId], t)).workspace as Json).folder_name as string;
      await cli.ok('workspace delete', ['--confirm', folderName, wsId], t);
      expect(list(await cli.ok('workspace list', [], t), 'workspaces')).toEqual([]);
    });

    it('shares: create, info, public info, update, archive, lists, name check, password and guest tokens, delete', async () => {
      const { token, orgId, wsId } = await tenant();
      const t = { token };
      const created = await cli.ok('share create', ['--workspace', wsId, '--intelligence', 'false', '--description', 'made by the client', 'Client Share'], t);
      const share = created.share as Json;
      expect(share).toMatchObject({ title: 'Client Share', description: 'made by the client', workspace_id: wsId });
      const shareId = share.id as string;
      expect((await cli.ok('share info', [shareId], t)).share).toMatchObject({ id: shareId, title: 'Client Share', permissions: 'owner' });
      expect((await cli.ok('share public-info', [shareId], t)).share).toMatchObject({ title: 'Client Share' });
      expect((await cli.ok('share update', [shareId, '--title', 'Renamed Share'], t)).share).toMatchObject({ id: shareId, title: 'Renamed Share' });
      expect(ids(list(await cli.ok('share list', [], t), 'shares'))).toEqual([shareId]);
      expect(ids(list(await cli.ok('user shares', [], t), 'shares'))).toEqual([shareId]);
      expect(ids(list(await cli.ok('org shares', [orgId], t), 'shares'))).toEqual([shareId]);
      expect(list(await cli.ok('share available', [], t), 'shares')).toEqual(expect.any(Array));
      const custom = share.custom_name as string;
      expect(await cli.ok('share check-name', [custom], t)).toMatchObject({ available: false });
      expect(await cli.ok('share check-name', [`free-${unique()}`], t)).toMatchObject({ available: true });
      expect((await cli.ok('share archive', [shareId], t)).share).toMatchObject({ archived: true });
      expect((await cli.ok('share unarchive', [shareId], t)).share).toMatchObject({ archived: false });

      // Another tenant's client cannot see it.
      const other = await tenant();
      const refused = await cli.run('share info', [shareId], { token: other.token, home: freshHome() });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/HTTP 40[134]/);
      expect(list(await cli.ok('share list', [], { token: other.token }), 'shares')).toEqual([]);

      // A visitor of a password-protected link share, and a guest of an open one.
      const locked = (
        await cli.ok(
          'share create',
          ['--workspace', wsId, '--intelligence', 'false', '--access-options', 'Anyone with the link', '--password', 'client-pass-1', 'Locked Share'],
          t,
        )
      ).share as Json;
      const visitor = await cli.ok('share password-auth', [locked.id as string, 'client-pass-1'], t);
      expect(visitor).toMatchObject({ auth_token: expect.any(String), share: { id: locked.id } });
      const bad = await cli.run('share password-auth', [locked.id as string, 'wrong'], { token, home: freshHome() });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/HTTP 401/);
      await cli.ok('share update', [shareId, '--access-options', 'Anyone with the link'], t);
      expect(await cli.ok('share guest-auth', [shareId], t)).toMatchObject({ auth_token: expect.any(String), share: { id: shareId } });
      await cli.ok('share delete', ['--confirm', shareId, shareId], t);
      expect(ids(list(await cli.ok('share list', [], t), 'shares'))).toEqual([locked.id]);
    });

    it('fileshares: create, list, info, update, grants list/add/remove, versions, download (current and a version, anonymous and with a link password), delete', async () => {
      const { token, wsId } = await tenant();
      const t = { token };
      const file = join(tmp, `fs-${unique()}.txt`);
      writeFileSync(file, 'first edition\n');
      const node = (await cli.ok('upload file', ['--workspace', wsId, file], t)).new_file_id as string;
      writeFileSync(file, 'second edition, longer\n');
      expect((await cli.ok('upload file', ['--workspace', wsId, file], t)).new_file_id).toBe(node);
      const created = (await cli.ok('fileshare create', ['--workspace', wsId, '--node', node, '--title', 'Client link'], t)).fileshare as Json;
      expect(created).toMatchObject({ node_id: node, title: 'Client link', access_option: 'anyone_with_link' });
      const id = created.id as string;
      expect(ids(list(await cli.ok('fileshare list', ['--workspace', wsId], t), 'fileshares'))).toEqual([id]);
      expect((await cli.ok('fileshare info', [id], t)).fileshare).toMatchObject({ id, effective_capability: 'edit' });
      // Anonymous: no token at all.
      expect((await cli.ok('fileshare info', [id], { home: freshHome() })).fileshare).toMatchObject({ id, effective_capability: 'download' });
      const versions = list(await cli.ok('fileshare versions', [id], { home: freshHome() }), 'versions');
      expect(versions.map((v) => v.current)).toEqual([true, false]);
      const out = join(tmp, `fs-out-${unique()}.txt`);
      expect(await cli.ok('fileshare download', [id, '--output', out], { home: freshHome() })).toMatchObject({ status: 'downloaded', fileshare: id });
      expect(readFileSync(out, 'utf8')).toBe('second edition, longer\n');
      const old = join(tmp, `fs-old-${unique()}.txt`);
      expect(await cli.ok('fileshare download', [id, '--version', versions[1]!.id as string, '--output', old], t)).toMatchObject({ status: 'downloaded' });
      expect(readFileSync(old, 'utf8')).toBe('first edition\n');

      // A link password and named people.
      expect(
        (await cli.ok('fileshare update', [id, '--password', 'fs-pass-1', '--access-option', 'named_people', '--expires', '3600'], t)).fileshare,
      ).toMatchObject({
        password_protected: true,
        access_option: 'named_people',
      });
      const recipient = await persona();
      const refused = await cli.run('fileshare info', [id], { token: recipient.api_key, home: freshHome() });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/HTTP 401/);
      expect((await cli.ok('fileshare grants add', [id, '--user', recipient.user_id, '--capability', 'download'], t)).grant).toMatchObject({
        user: recipient.user_id,
        capability: 'download',
      });
      expect((await cli.ok('fileshare grants add', [id, '--email', `later-${unique()}@example.com`, '--capability', 'view'], t)).grant).toMatchObject({
        state: 'pending',
      });
      expect(list(await cli.ok('fileshare grants list', [id], t), 'grants').map((g) => g.capability)).toEqual(['download', 'view']);
      expect((await cli.ok('fileshare info', [id], { token: recipient.api_key, home: freshHome() })).fileshare).toMatchObject({
        effective_capability: 'download',
      });
      await cli.ok('fileshare grants remove', [id, '--user', recipient.user_id, '--yes'], t);
      expect((await cli.run('fileshare info', [id], { token: recipient.api_key, home: freshHome() })).code).not.toBe(0);
      // Back to the link, with the password: asked of anonymous readers.
      await cli.ok('fileshare update', [id, '--access-option', 'anyone_with_link', '--clear-expires'], t);
      const locked = await cli.run('fileshare info', [id], { home: freshHome() });
      expect(locked.stderr).toMatch(/HTTP 401/);
      expect((await cli.ok('fileshare info', [id, '--password', 'fs-pass-1'], { home: freshHome() })).fileshare).toMatchObject({
        id,
        password_protected: true,
      });
      await cli.ok('fileshare delete', [id, '--yes'], t);
      expect(list(await cli.ok('fileshare list', ['--workspace', wsId], t), 'fileshares')).toEqual([]);
    });

    it('fileshare write-back and activity: upload (an edit grant holder, --if-version conflict), activity; a view grant and another tenant refused', async () => {
      await fileshareWritebackScenario({ cli, tmp, tenant, persona: () => persona(), freshHome });
    });

    it('share members and invitations: add, list, info, update, transfer, leave, join, remove; invitations list, update, delete', async () => {
      const { token, orgId, wsId, p } = await tenant();
      const t = { token };
      const share = (
        await cli.ok(
          'share create',
          ['--workspace', wsId, '--intelligence', 'false', '--access-options', 'Members of the Share, Workspace or Org', 'Member Room'],
          t,
        )
      ).share as Json;
      const shareId = share.id as string;
      const second = await persona();
      expect((await cli.ok('share members add', [shareId, second.user_id, '--role', 'member'], t)).member).toMatchObject({
        id: second.user_id,
        permissions: 'member',
      });
      expect(ids(list(await cli.ok('share members list', [shareId], t), 'users'))).toEqual([p.user_id, second.user_id]);
      expect((await cli.ok('share members info', [shareId, second.user_id], t)).member).toMatchObject({ email_address: second.email_address });
      expect((await cli.ok('share members update', [shareId, second.user_id, '--role', 'admin'], t)).member).toMatchObject({ permissions: 'admin' });
      // An address without an account: a pending invitation, changed, then revoked by address.
      const email = `invitee-${unique()}@example.com`;
      expect((await cli.ok('share members add', [shareId, email, '--role', 'guest'], t)).member).toMatchObject({ email_address: email, status: 'pending' });
      expect(list(await cli.ok('share invitation list', [shareId], t), 'invitations').map((i) => i.email_address)).toEqual([email]);
      const inviteId = (list(await cli.ok('share invitation list', [shareId], t), 'invitations')[0]!.invite as Json).id as string;
      expect((await cli.ok('share invitation update', [shareId, inviteId, '--role', 'member'], t)).invitation).toMatchObject({ permissions: 'member' });
      await cli.ok('share invitation delete', [shareId, email], t);
      expect(list(await cli.ok('share invitation list', [shareId], t), 'invitations')).toEqual([]);
      // The owner hands the share over and stays as admin.
      await cli.ok('share members transfer', [shareId, second.user_id], t);
      const roles = Object.fromEntries(list(await cli.ok('share members list', [shareId], t), 'users').map((m) => [m.id, m.permissions]));
      expect(roles).toEqual({ [p.user_id]: 'admin', [second.user_id]: 'owner' });
      // An org member joins the org-wide share, then leaves it; the new owner removes the old owner's row.
      const colleague = await persona();
      await cli.ok('org members invite', [orgId, colleague.email_address], t);
      await cli.ok('org members join', [orgId], { token: colleague.api_key }); // an address is invited; its owner joins
      expect((await cli.ok('share members join', [shareId], { token: colleague.api_key })).member).toMatchObject({
        id: colleague.user_id,
        permissions: 'guest',
      });
      await cli.ok('share members leave', [shareId], { token: colleague.api_key });
      await cli.ok('share members remove', [shareId, p.user_id], { token: second.api_key });
      expect(ids(list(await cli.ok('share members list', [shareId], t), 'users'))).toEqual([second.user_id]);
    });

    it('files: folders, single and chunked uploads, details, read, search, download, trash and purge', async () => {
      const { token, wsId } = await tenant();
      const t = { token };
      const folder = (await cli.ok('files create-folder', ['--workspace', wsId, 'docs'], t)).node as Json;
      expect(folder).toMatchObject({ name: 'docs', type: 'folder', parent: 'root' });

      const small = join(tmp, 'hello.txt');
      writeFileSync(small, 'hello from the official client\n');
      const up = await cli.ok('upload file', ['--workspace', wsId, small], t);
      expect(up).toMatchObject({ status: 'uploaded', filename: 'hello.txt', final_status: 'stored' });
      const fileId = up.new_file_id as string;

      // Big enough that the client opens a session and sends chunks.
      const bigBytes = randomBytes(6 * 1024 * 1024 + 123);
      const big = join(tmp, 'big.bin');
      writeFileSync(big, bigBytes);
      const bigUp = await cli.ok('upload file', ['--workspace', wsId, '--folder', folder.id as string, big], t);
      expect(bigUp).toMatchObject({ status: 'uploaded', size: bigBytes.length, final_status: 'stored' });
      const bigId = bigUp.new_file_id as string;

      const text = await cli.ok('upload text', ['--workspace', wsId, '--name', 'note.txt', 'a note from the client'], t);
      expect(text).toMatchObject({ status: 'uploaded', filename: 'note.txt' });

      const root = list(await cli.ok('files list', ['--workspace', wsId, '--page-size', '100', '--sort-by', 'name'], t), 'nodes');
      expect(root.map((n) => n.name)).toEqual(['docs', 'hello.txt', 'note.txt']);
      expect(ids(list(await cli.ok('files list', ['--workspace', wsId, '--folder', folder.id as string], t), 'nodes'))).toEqual([bigId]);
      expect((await cli.ok('files info', ['--workspace', wsId, fileId], t)).node).toMatchObject({
        id: fileId,
        name: 'hello.txt',
        size: 31,
        mimetype: 'text/plain',
      });
      // Two ids: the client's bulk form of details.
      const both = JSON.stringify(await cli.ok('files info', ['--workspace', wsId, fileId, bigId], t));
      expect(both).toContain(fileId);
      expect(both).toContain(bigId);
      expect(await cli.ok('files read', ['--workspace', wsId, fileId], t)).toMatchObject({ node_id: fileId, content: 'hello from the official client\n' });
      // V2, intelligence off: the emulator answers a `files` map keyed by node id, the client makes it rows.
      expect(ids(list(await cli.ok('files search', ['--workspace', wsId, 'hello'], t), 'files'))).toEqual([fileId]);
      expect(ids(list(await cli.ok('ripley search', ['--workspace', wsId, 'hello'], t), 'files'))).toEqual([fileId]);

      const out = join(tmp, 'downloaded-big.bin');
      expect(await cli.ok('download file', ['--workspace', wsId, bigId, '--output', out], t)).toMatchObject({ status: 'downloaded', size: bigBytes.length });
      expect(readFileSync(out).equals(bigBytes)).toBe(true);
      const dir = mkdtempSync(join(tmp, 'batch-'));
      const batch = await cli.ok('download batch', ['--workspace', wsId, '--output-dir', dir, fileId], t);
      expect(list(batch, 'downloads')).toMatchObject([{ node_id: fileId, status: 'downloaded' }]);
      expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('hello from the official client\n');

      expect(await cli.ok('files delete', ['--workspace', wsId, fileId], t)).toMatchObject({ status: 'moved_to_trash', node_id: fileId });
      expect(ids(list(await cli.ok('files trash', ['--workspace', wsId], t), 'nodes'))).toEqual([fileId]);
      expect(await cli.ok('files purge', ['--workspace', wsId, fileId], t)).toMatchObject({ status: 'permanently_deleted' });
      expect(list(await cli.ok('files trash', ['--workspace', wsId], t), 'nodes')).toEqual([]);
      expect((await cli.run('files info', ['--workspace', wsId, fileId], t)).code).not.toBe(0);
    });

    it('V2 storage: overwrite and version-restore, add-file from a session, view of a note and of a .md file, unified search', async () => {
      const { token, wsId } = await tenant();
      const t = { token };
      const dir = mkdtempSync(join(tmp, 'v2-'));
      const file = join(dir, 'terms.txt');
      writeFileSync(file, 'terms, first edition\n');
      const id = (await cli.ok('upload file', ['--workspace', wsId, file], t)).new_file_id as string;
      const v1 = ((await cli.ok('files info', ['--workspace', wsId, id], t)).node as Json).version as string;
      writeFileSync(file, 'terms, second edition\n');
      expect((await cli.ok('upload file', ['--workspace', wsId, file], t)).new_file_id).toBe(id);
      expect(await cli.ok('files read', ['--workspace', wsId, id], t)).toMatchObject({ content: 'terms, second edition\n' });
      expect((await cli.ok('files version-restore', ['--workspace', wsId, id, v1], t)).node).toMatchObject({ id, version: v1 });
      expect(await cli.ok('files read', ['--workspace', wsId, id], t)).toMatchObject({ content: 'terms, first edition\n' });

      const part = join(dir, 'part.bin');
      writeFileSync(part, 'session bytes');
      const key = (await cli.ok('upload create-session', ['--workspace', wsId, 'session.bin', '13'], t)).id as string;
      await cli.ok('upload chunk', [key, '1', part], t);
      await cli.ok('upload finalize', [key], t);
      await settle();
      const added = (await cli.ok('files add-file', ['--workspace', wsId, '--upload-id', key, 'added.bin'], t)).node as Json;
      expect(added).toMatchObject({ name: 'added.bin', type: 'file', size: 13 });

      // view: a note through readnote/, an uploaded .md through the client's fallback to read/.
      const md = join(dir, 'readme.md');
      writeFileSync(md, '# Read me\n');
      const mdNode = (await cli.ok('upload file', ['--workspace', wsId, md], t)).new_file_id as string;
      const viewed = await cli.run('view', [wsId, mdNode, '--raw'], t);
      expect([viewed.code, viewed.stdout]).toEqual([0, '# Read me\n']);
      cli.succeeded.add('view');

      const found = await cli.ok('search workspace', [wsId, 'terms'], t);
      const buckets = found.buckets as Record<string, { items: Json[]; status: string }>;
      expect(ids(buckets.files!.items)).toEqual([id]);
      expect(buckets.comments).toMatchObject({ items: [], status: 'ok' });
      expect(ids(((await cli.ok('workspace search', [wsId, 'added'], t)).buckets as typeof buckets).files!.items)).toEqual([added.id]);
    });

    it('storage node operations: rename, update, move, copy, versions, version-restore, delete/restore, recent, transfer, locks; another tenant refused', async () => {
      await storageNodesScenario({ cli, tmp, tenant });
    });

    it('previews and transforms (preview get/thumbnail/transform), files add-link, fileshare preview and ws-token; another tenant refused', async () => {
      await storage5Scenario({ cli, tmp, tenant });
    });

    it('uploads: limits, algos, extensions, chunk status/delete, session list, cancel-all, stream, URL import from loopback, folder ZIP; another tenant refused', async () => {
      await uploadsScenario({ cli, tmp, tenant, settle });
    });

    it("a share's storage: share files list, add-file/download with --share, search share, share locks; another tenant refused", async () => {
      await sharestoreScenario({ cli, tmp, tenant, freshHome, settle });
    });

    it('upload sessions by hand: create, chunk, finalize, status, cancel', async () => {
      const { token, wsId } = await tenant();
      const t = { token };
      const part = join(tmp, 'part.bin');
      writeFileSync(part, '0123456789');
      const session = await cli.ok('upload create-session', ['--workspace', wsId, 'by-hand.bin', '10'], t);
      const key = session.id as string;
      expect(key).toMatch(/^5[0-9a-z]{28}$/);
      expect(await cli.ok('upload chunk', [key, '1', part], t)).toMatchObject({ result: true });
      expect(await cli.ok('upload finalize', [key], t)).toMatchObject({ id: key });
      await settle();
      const status = (await cli.ok('upload status', [key], t)).session as Json;
      expect(status).toMatchObject({ id: key, name: 'by-hand.bin', size: 10, status: 'stored' });
      const names = list(await cli.ok('files list', ['--workspace', wsId], t), 'nodes').map((n) => n.name);
      expect(names).toEqual(['by-hand.bin']);

      const abandoned = (await cli.ok('upload create-session', ['--workspace', wsId, 'abandoned.bin', '10'], t)).id as string;
      expect(await cli.ok('upload cancel', [abandoned], t)).toMatchObject({ status: 'cancelled', upload_key: abandoned });
      expect((await cli.run('upload status', [abandoned], t)).code).not.toBe(0);
    });

    it('events: search, details, acknowledge, summarize, activity poll', async () => {
      const { token, wsId } = await tenant();
      const t = { token };
      await cli.ok('files create-folder', ['--workspace', wsId, 'evented'], t);
      const events = list(await cli.ok('event list', ['--workspace', wsId, '--limit', '50'], t), 'events');
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) expect(e.workspace_id).toBe(wsId);
      const first = events[0]!;
      expect((await cli.ok('event info', [first.id as string], t)).event).toMatchObject({ id: first.id, event: first.event });
      expect((await cli.ok('event ack', [first.id as string], t)).event).toMatchObject({ id: first.id, acknowledged: true });
      const summary = await cli.ok('event summarize', ['--workspace', wsId], t);
      expect(summary.event_count).toBe(events.length);
      const poll = await cli.ok('event poll', [wsId, '--wait', '1'], t);
      expect(poll).toMatchObject({ result: true });
      expect(String(poll.lastactivity)).toMatch(/^\d+(\.\d+)?$/);
    });

    /** A form POST the scenarios make outside the CLI (set-up the CLI has no command for). */
    const post = async (token: string, path: string, form: Record<string, string>) => {
      const res = await fetch(`${emu.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new URLSearchParams(form) });
      expect(res.status, path).toBe(200);
      return (await res.json()) as Json;
    };

    it('dashboard: the feed of files other members added, dismiss, snooze, undismiss; event list --visibility', async () => {
      await dashboardScenario({ cli, tenant, persona: () => persona('agent'), post });
    });

    it('oauth: PKCE browser login through the consent page, auth oauth list/details/rename/revoke/revoke-all, auth scopes; another persona reaches none of it', async () => {
      await oauthScenario({ cli, url: emu.url, tmp, persona: () => persona('human') });
    });

    it('invitations: invitation list/accept/decline/delete, user invitations list/details/accept-all, org invitations update, org members join; another persona sees none', async () => {
      await invitationsScenario({ cli, tenant, persona: () => persona('human'), post });
    });

    it('april5: org invitations list --state, share invitation list --state (GET .../members/invitations/list/{state}/); another persona refused', async () => {
      await april5Scenario({ cli, tenant, persona: () => persona('human'), post });
    });

    it('ripley: AI chat over /ai/agent/, citing only the workspace own files', async () => {
      await aiScenario({ cli, tmp, tenant, post, settle });
    });

    it('ripley --share: AI chat in a share citing only the share files; autotitle; summary', async () => {
      await shareAiScenario({ cli, tenant, post, settle });
    });

    it('comments, apps and how-to: comment create/reply/list/list-all/info/edit/react/unreact/attachments/attach/detach/bulk-delete/delete, apps list/details/tool-apps/launch, how-to; another tenant refused', async () => {
      await commentsScenario({ cli, tmp, tenant });
    });

    it('assets: asset types/list/remove for orgs, workspaces and shares, org asset types/list/delete, user asset types/list/read; another tenant refused', async () => {
      await assetsScenario({ cli, tmp, url: emu.url, tenant });
    });

    it('imports5: import list-providers/provision-identity (emulator; google_drive 501)/list-identities/identity-details/discover/create-source/job-details/source-details/list-sources, write-back, resolve-conflict, push/cancel/retry-writeback, refresh/cancel-job/list-jobs, update-source, disconnect, delete-source, revoke-identity; another tenant refused', async () => {
      await importsScenario({ cli, tmp, tenant, settle, url: emu.url, control: CONTROL });
    });

    it('commands listed as unserved, gap or client bug fail as listed', async () => {
      const { token, orgId, wsId, p } = await tenant();
      const file = join(tmp, 'placeholder.txt');
      writeFileSync(file, 'placeholder\n');
      const md = join(tmp, 'placeholder.md');
      writeFileSync(md, '# Placeholder\n');
      const node = (await cli.ok('upload file', ['--workspace', wsId, file], { token })).new_file_id as string;
      const mdNode = (await cli.ok('upload file', ['--workspace', wsId, md], { token })).new_file_id as string;
      const folder = ((await cli.ok('files create-folder', ['--workspace', wsId, 'placeholder'], { token })).node as Json).id as string;
      const chatRes = await fetch(`${emu.url}/current/workspace/${wsId}/ai/agent/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: new URLSearchParams({ question: 'A placeholder chat?' }),
      });
      const chat = (((await chatRes.json()) as Json).thread as Json).thread_id as string;
      const values: Record<string, string> = {
        ws: wsId,
        org: orgId,
        node,
        md: mdNode,
        folder,
        user: p.user_id,
        email: `nobody-${unique()}@example.com`,
        share: '4123456789012345678',
        tmpfile: file,
        chat,
      };
      const rows = COMMANDS.filter((c) => c.expect !== 'pass');
      const wrong: string[] = [];
      // A few at a time: each is one short process.
      for (let i = 0; i < rows.length; i += 6) {
        await Promise.all(
          rows.slice(i, i + 6).map(async (row) => {
            const args = (row.args ?? '')
              .split(' ')
              .filter(Boolean)
              .map((a) => a.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? `{${k}}`));
            const res = await cli.run(row.command, args, { token, home: freshHome() });
            const status = /HTTP (\d{3})/.exec(res.stderr)?.[1];
            const allowed = row.expect === 'unserved' ? ['404', '405', '501'] : [];
            if (row.answers) allowed.push(String(row.answers));
            const asListed = row.failsWith ? res.stderr.includes(row.failsWith) : status !== undefined && allowed.includes(status);
            if (res.code === 0 || !asListed) {
              wrong.push(
                `${row.command} ${args.join(' ')}: exit ${res.code}, HTTP ${status ?? '-'} (expected ${row.failsWith ?? allowed.join('/')})\n${res.stderr.slice(0, 300)}`,
              );
            }
          }),
        );
      }
      expect(wrong).toEqual([]);
    });
  });

  // Alone, after the concurrent scenarios, like identity2: beside them its jobs and client runs slowed the files scenario's chunked upload.
  describe('metadata5 scenario', () => {
    const post = async (token: string, path: string, form: Record<string, string>) => {
      const res = await fetch(`${emu.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new URLSearchParams(form) });
      expect(res.status, path).toBe(200);
      return (await res.json()) as Json;
    };
    it('metadata: eligible, preview-match, suggest-fields, create-template, add/list/remove nodes, auto-match, extract, extract-all, details (single, bulk), search, export-view; another tenant refused', async () => {
      const get = async (token: string, path: string) =>
        (await (await fetch(`${emu.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Json;
      await metadata5Scenario({ cli, tenant, post, get, settle });
    });
  });

  // Alone, after the concurrent scenarios: its 30-odd client runs slowed the chunked upload of the files scenario when run beside it.
  describe('identity2 scenario', () => {
    /** A form POST outside the CLI (set-up the CLI has no command for, or cannot send: see commands.ts). */
    const post = async (token: string, path: string, form: Record<string, string>) => {
      const res = await fetch(`${emu.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new URLSearchParams(form) });
      expect(res.status, path).toBe(200);
      return (await res.json()) as Json;
    };
    it('identity2: 2FA (totp sign-in, sms send and sign-in), password reset, user look-up and me answers, org/workspace discovery, limits, jobs, system; a stranger refused', async () => {
      const now = async () => Date.parse(((await (await fetch(`${emu.url}/_emulator/clock`, { headers: CONTROL })).json()) as { now: string }).now);
      const mail = async (to: string, kind: string) => {
        const res = (await (await fetch(`${emu.url}/_emulator/mailbox/?to=${encodeURIComponent(to)}`, { headers: CONTROL })).json()) as {
          messages: { kind: string; code: string }[];
        };
        const found = res.messages.find((m) => m.kind === kind);
        if (!found) throw new Error(`no ${kind} mail to ${to}`);
        return found;
      };
      await identity2Scenario({ cli, tmp, persona: () => persona('human'), tenant, post, now, mail });
    });
  });

  describe('coverage', () => {
    it('the table lists every command of the groups it covers, and classifies every group', async () => {
      const topLevel = await subcommands(cli, []);
      const covered = new Set(COMMANDS.map((c) => c.command.split(' ')[0]!));
      const classified = new Set([...covered, ...UNSERVED_GROUPS.map((g) => g.group), ...OFFLINE_GROUPS]);
      expect(topLevel.filter((g) => !classified.has(g))).toEqual([]);
      // The covered groups side by side (help is local and quick), each walked depth first.
      const leaves = (await Promise.all([...covered].map((g) => leafCommands(cli, [g])))).flat();
      const table = new Set(COMMANDS.map((c) => c.command));
      expect(leaves.filter((c) => !table.has(c))).toEqual([]);
      expect([...table].filter((c) => !leaves.includes(c))).toEqual([]);
    });

    it('ran every command the table requires to pass', () => {
      const required = COMMANDS.filter((c) => c.expect === 'pass').map((c) => c.command);
      expect(required.filter((c) => !cli.succeeded.has(c))).toEqual([]);
    });
  });
});

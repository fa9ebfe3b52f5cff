/**
 * The AI routes around share chat, both dialects where both document them: a share's
 * `ai/autotitle/` (applied to the share), the workspace's `ai/autotitle/` (April, a suggestion),
 * the shareable summary `ai/share/` of a workspace (both) and of a share (April), `ai/search/`
 * (April, workspace and share), and the V2 unified `/search/` of a share. A share's answers hold
 * only its files; another tenant gets 401/115069 everywhere.
 */
import { describe, expect } from 'vitest';
import { aiSettled, uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createOrg, createShare, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url, { dialects: ['v2', '2026-04'] });
const april = () => c.target.dialect === '2026-04';

type Json = Record<string, unknown>;

/** A human with an intelligent workspace: `contract.txt` inside a shared folder, `contract-old.txt` outside it. */
async function shareTenant() {
  const { api, persona } = await c.signedIn({ accountType: 'human' });
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: 'true' });
  const folder = await api.post(`/current/workspace/${ws.id}/storage/root/createfolder/`, { name: 'Outbox' });
  expect(folder.status, folder.text).toBe(200);
  const folderId = (folder.body.node as { id: string }).id;
  const inside = await uploaded(api, ws.id, 'quarterly-sales_report.txt', 'Alpha services contract: the termination notice is ninety days.', {
    folder_id: folderId,
  });
  const outside = await uploaded(api, ws.id, 'contract-old.txt', 'Bravo services contract: the termination notice is thirty days.');
  for (const id of [inside, outside]) expect((await aiSettled(api, ws.id, id)).ai.state).toBe('ready');
  const share = await createShare(api, ws.id, { storage_mode: 'workspace_folder', folder_node_id: folderId });
  return { api, persona, org, ws, inside, outside, share };
}

describe('autotitle', () => {
  contract.unverified(
    "a share's title and description come from its files and are applied; a view member gets 403/1680, another tenant 401/115069",
    async () => {
      const t = await shareTenant();
      const res = await t.api.post(`/current/share/${t.share.id}/ai/autotitle/`, {});
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ title: 'Quarterly sales report', display_type: 'list', description: '1 file: quarterly-sales_report.txt.' });
      const details = await t.api.get(`/current/share/${t.share.id}/details/`);
      expect(details.body.share).toMatchObject({ title: 'Quarterly sales report', description: '1 file: quarterly-sales_report.txt.' });
      const guided = await t.api.post(
        `/current/share/${t.share.id}/ai/autotitle/`,
        april() ? { context: 'Deliverables for Alpha' } : { user_context: 'Deliverables for Alpha' },
      );
      expect(guided.body).toMatchObject({ title: 'Deliverables for Alpha' });

      const other = await c.signedIn({ accountType: 'human' });
      expectApiError(await other.api.post(`/current/share/${t.share.id}/ai/autotitle/`, {}), 401, 115069);
      expect((await t.api.post(`/current/share/${t.share.id}/members/${other.persona.userId}/`, { permissions: 'view' })).status).toBe(200);
      expectApiError(await other.api.post(`/current/share/${t.share.id}/ai/autotitle/`, {}), 403, 1680);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );

  contract.unverified(
    "April: a workspace's autotitle is a suggestion over all its files, not applied",
    async () => {
      const t = await shareTenant();
      const res = await t.api.post(`/current/workspace/${t.ws.id}/ai/autotitle/`, {});
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ title: 'Contract old and 1 more', description: '2 files: contract-old.txt, quarterly-sales_report.txt.' });
      const other = await c.signedIn({ accountType: 'human' });
      expectApiError(await other.api.post(`/current/workspace/${t.ws.id}/ai/autotitle/`, {}), 401, 10545);
    },
    { dialects: ['2026-04'], requires: ['account-type'], timeout: 60_000 },
  );
});

describe('summary (ai/share)', () => {
  contract.unverified(
    "a workspace's summary quotes each file and links it with a token that reads it without a bearer; 1-25 files; another tenant's file 401/115069",
    async () => {
      const t = await shareTenant();
      const form = april() ? { nodes: `${t.inside},${t.outside}` } : { files: JSON.stringify([t.inside, t.outside]) };
      const res = await t.api.post(`/current/workspace/${t.ws.id}/ai/share/`, form);
      expect(res.status, res.text).toBe(200);
      expect(res.body.markdown).toContain('ninety days');
      expect(res.body.markdown).toContain('thirty days');
      const files = res.body.files as Json[];
      expect(files.map((f) => f.node_id)).toEqual([t.inside, t.outside]);
      const read = await t.api.get(files[0]!.url as string, { token: null });
      expect(read.status).toBe(200);
      expect(read.text).toContain('ninety days');
      expect(Number(res.body.tokens)).toBeGreaterThan(0);

      expectApiError(await t.api.post(`/current/workspace/${t.ws.id}/ai/share/`, { files: '[]' }), 400, 1605);
      const many = JSON.stringify(Array.from({ length: 26 }, () => t.inside).map((id, i) => `${id.slice(0, -2)}${String(i).padStart(2, '0')}`));
      expectApiError(await t.api.post(`/current/workspace/${t.ws.id}/ai/share/`, { files: many }), 400, 1605);
      const other = await shareTenant();
      expectApiError(await t.api.post(`/current/workspace/${t.ws.id}/ai/share/`, { files: JSON.stringify([other.inside]) }), 401, 115069);
      expectApiError(await other.api.post(`/current/workspace/${t.ws.id}/ai/share/`, { files: JSON.stringify([t.inside]) }), 401, 10545);
    },
    { requires: ['account-type'], timeout: 60_000 },
  );

  contract.unverified(
    "April: a share's summary takes the share's files only (a workspace file outside it 401/115069)",
    async () => {
      const t = await shareTenant();
      const res = await t.api.post(`/current/share/${t.share.id}/ai/share/`, { files: JSON.stringify([t.inside]) });
      expect(res.status, res.text).toBe(200);
      expect(res.body.markdown).toContain('ninety days');
      expectApiError(await t.api.post(`/current/share/${t.share.id}/ai/share/`, { files: JSON.stringify([t.outside]) }), 401, 115069);
      const other = await c.signedIn({ accountType: 'human' });
      expectApiError(await other.api.post(`/current/share/${t.share.id}/ai/share/`, { files: JSON.stringify([t.inside]) }), 401, 115069);
    },
    { dialects: ['2026-04'], requires: ['account-type'], timeout: 60_000 },
  );
});

describe('search', () => {
  contract.unverified(
    "April ai/search: a share's finds only its files, the workspace's finds both; another tenant 401",
    async () => {
      const t = await shareTenant();
      const ids = (r: { body: Json }) => (r.body.results as Json[]).map((x) => x.node_id);
      const inShare = await t.api.get(`/current/share/${t.share.id}/ai/search/`, { query: { question: 'termination notice' } });
      expect(inShare.status, inShare.text).toBe(200);
      expect(ids(inShare)).toEqual([t.inside]);
      const inWs = await t.api.get(`/current/workspace/${t.ws.id}/ai/search/`, { query: { question: 'termination notice' } });
      expect(ids(inWs).sort()).toEqual([t.inside, t.outside].sort());
      expectApiError(
        await t.api.get(`/current/share/${t.share.id}/ai/search/`, { query: { question: 'termination', files_scope: `${t.outside}:` } }),
        401,
        115069,
      );
      const other = await c.signedIn({ accountType: 'human' });
      expectApiError(await other.api.get(`/current/share/${t.share.id}/ai/search/`, { query: { question: 'termination' } }), 401, 115069);
      expectApiError(await other.api.get(`/current/workspace/${t.ws.id}/ai/search/`, { query: { question: 'termination' } }), 401, 10545);
    },
    { dialects: ['2026-04'], requires: ['account-type'], timeout: 60_000 },
  );

  contract.unverified(
    'V2 /share/{id}/search/: a folder share answers 404/1609 (client search.rs); a portal answers buckets, its files bucket empty (no files of the workspace), metadata and comments empty; another tenant 401/115069',
    async () => {
      const t = await shareTenant();
      expectApiError(await t.api.get(`/current/share/${t.share.id}/search/`, { query: { search: 'termination notice' } }), 404, 1609);
      const portal = await createShare(t.api, t.ws.id, {});
      const res = await t.api.get(`/current/share/${portal.id}/search/`, { query: { search: 'termination notice' } });
      expect(res.status, res.text).toBe(200);
      const buckets = res.body.buckets as Record<string, { items: Json[]; total: number; status: string }>;
      expect(buckets.files).toMatchObject({ items: [], total: 0, status: 'ok' });
      expect(buckets.metadata).toMatchObject({ items: [], total: 0, status: 'ok' });
      expect(buckets.comments).toMatchObject({ items: [], total: 0, status: 'ok' });
      const other = await c.signedIn({ accountType: 'human' });
      expectApiError(await other.api.get(`/current/share/${portal.id}/search/`, { query: { search: 'termination' } }), 401, 115069);
    },
    { dialects: ['v2'], requires: ['account-type'], timeout: 60_000 },
  );
});

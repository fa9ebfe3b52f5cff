/**
 * A folder as a ZIP (issue 18 item 6; official client src/api/download.rs get_zip_url, the CLI's
 * `download folder`): paths, contents, the trash left out, bandwidth charged, and refusals
 * (a file id, another tenant's workspace, another workspace's folder).
 */
import { randomBytes } from 'node:crypto';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect } from 'vitest';
import { creditsUsed, uploaded } from '../files.js';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';
import { createOrg, createWorkspace } from '../tenants.js';

const c = setupContract(import.meta.url);

async function storageTenant() {
  const { api } = await c.signedIn();
  const org = await createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  return { api, org, ws, base: `/current/workspace/${ws.id}/storage` };
}

describe('folder zip', () => {
  contract.unverified('a folder zips with its paths and bytes; the trash is left out; root zips the workspace', async () => {
    const { api, ws, base } = await storageTenant();
    const folder = (await api.post(`${base}/root/createfolder/`, { name: 'Reports' })).body.node as { id: string };
    const inner = (await api.post(`${base}/${folder.id}/createfolder/`, { name: '2026' })).body.node as { id: string };
    await api.post(`${base}/${folder.id}/createfolder/`, { name: 'Empty' });
    await uploaded(api, ws.id, 'summary.txt', 'the summary', { folder_id: folder.id });
    await uploaded(api, ws.id, 'q1.csv', 'a,b\n1,2\n', { folder_id: inner.id });
    const gone = await uploaded(api, ws.id, 'draft.txt', 'thrown away', { folder_id: folder.id });
    await api.delete(`${base}/${gone}/delete/`);
    await uploaded(api, ws.id, 'outside.txt', 'at the root');

    const res = await api.get(`${base}/${folder.id}/zip/`);
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/zip/);
    expect(res.headers.get('content-disposition')).toContain('Reports.zip');
    const entries = unzipSync(new Uint8Array(res.bytes));
    expect(Object.keys(entries).sort()).toEqual(['2026/q1.csv', 'Empty/', 'summary.txt']);
    expect(strFromU8(entries['summary.txt']!)).toBe('the summary');
    expect(strFromU8(entries['2026/q1.csv']!)).toBe('a,b\n1,2\n');

    const all = unzipSync(new Uint8Array((await api.get(`${base}/root/zip/`)).bytes));
    expect(Object.keys(all).sort()).toEqual(['Reports/2026/q1.csv', 'Reports/Empty/', 'Reports/summary.txt', 'outside.txt']);
  });

  contract.emulatorOnly('the ZIP is charged as bandwidth', async () => {
    const { api, org, ws, base } = await storageTenant();
    // 2.5 MB that do not compress: more than the usage route's rounding can hide.
    await uploaded(api, ws.id, 'big.bin', new Uint8Array(randomBytes(2_500_000)));
    const before = (await creditsUsed(api, org.id)).used;
    const res = await api.get(`${base}/root/zip/`);
    expect(res.status).toBe(200);
    expect((await creditsUsed(api, org.id)).used).toBeGreaterThan(before);
  });

  contract.unverified("a file id is 400/1605; another tenant's workspace 401/10545; another workspace's folder 401/115069", async () => {
    const a = await storageTenant();
    const b = await storageTenant();
    const file = await uploaded(a.api, a.ws.id, 'a.txt', 'a');
    expectApiError(await a.api.get(`${a.base}/${file}/zip/`), 400, 1605);
    expectApiError(await b.api.get(`${a.base}/root/zip/`), 401, 10545);
    const theirs = (await b.api.post(`${b.base}/root/createfolder/`, { name: 'Theirs' })).body.node as { id: string };
    expectApiError(await a.api.get(`${a.base}/${theirs.id}/zip/`), 401, 115069);
  });
});

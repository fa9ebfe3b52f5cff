import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'light-my-request';
import { describe, expect, it } from 'vitest';
import { buildEmulator, createApp } from '../../emulator/index.js';
import { readStateFile } from '../../emulator/store/persistence.js';
import { ownerApiKey, rowsOf, SCALE_SHAPE, shapeForRows, writeStateFile } from '../../scripts/bench/state-generator.js';

describe('bench state generator', () => {
  it('sizes shapes in the scale proportions', () => {
    expect(rowsOf(SCALE_SHAPE)).toBe(10_000 * 4 + 100_000 * 2 + 1_000_000);
    const shape = shapeForRows(200_000);
    expect(Math.abs(rowsOf(shape) - 200_000)).toBeLessThan(10);
    expect(shape.workspacesPerOrg).toBe(SCALE_SHAPE.workspacesPerOrg);
  });

  it('writes a state file the emulator loads with --seed and serves', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-state-')), 'state.json');
    const shape = { orgs: 3, workspacesPerOrg: 4, events: 50 };
    const generated = await writeStateFile(file, shape);
    expect(generated.totalRows).toBe(rowsOf(shape));
    const state = await readStateFile(file);
    expect(Object.fromEntries(Object.entries(state.tables).map(([k, v]) => [k, v.length]))).toEqual(generated.rows);

    const built = await buildEmulator({ seedFile: file });
    const app = createApp({ emulator: built.emulator, routes: built.routes });
    const get = async (path: string, token: string) => {
      const res = await inject(app as never, { method: 'GET', url: path, headers: { authorization: `Bearer ${token}` }, remoteAddress: '127.0.0.1' });
      return { status: res.statusCode, body: JSON.parse(res.payload) as Record<string, unknown> };
    };
    // Org 2's owner sees org 2's workspaces, through the API, with the generated key.
    const list = await get(`/current/org/${generated.orgIds[2]}/list/workspaces/`, ownerApiKey(2));
    expect(list.status).toBe(200);
    expect((list.body.workspaces as { id: string }[]).length).toBe(shape.workspacesPerOrg);
    // ... and not org 0's.
    expect((await get(`/current/org/${generated.orgIds[0]}/details/`, ownerApiKey(2))).status).toBe(404);
    expect((await get('/current/user/details/', ownerApiKey(1))).status).toBe(200);
  });
});

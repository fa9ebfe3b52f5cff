/**
 * What the fileshare suites share: a tenant with one workspace holding one uploaded file (what a
 * fileshare binds), creating a fileshare on it, and the client's single-call write-back.
 */
import { expect } from 'vitest';
import type { ApiClient, ApiResponse } from './client.js';
import { uploaded } from './files.js';
import type { Contract } from './harness.js';
import { createWorkspace } from './tenants.js';

/** A signed-in persona, its org and workspace, and `report.txt` holding `content`. */
export async function fileshareTenant(c: Contract, content: string) {
  const { api, persona } = await c.signedIn();
  const org = await c.createOrg(api);
  const ws = await createWorkspace(api, org.id, { intelligence: false });
  const fileId = await uploaded(api, ws.id, 'report.txt', content);
  return { api, persona, org, ws, fileId };
}

/** `POST /current/workspace/{id}/create/fileshare/`, expected to succeed: the `fileshare` object. */
export async function createFileshare<T extends { id: string }>(api: ApiClient, workspaceId: string, fields: Record<string, string>): Promise<T> {
  const res = await api.post(`/current/workspace/${workspaceId}/create/fileshare/`, fields);
  expect(res.status, res.text).toBe(200);
  return res.body.fileshare as T;
}

/** The write-back's single call, with the official client's fields (no profile_type, no folder_id). */
export function writeBack(api: ApiClient, fileshareId: string, fileId: string, content: string, extra: Record<string, string> = {}): Promise<ApiResponse> {
  const bytes = new TextEncoder().encode(content);
  const form = new FormData();
  for (const [k, v] of Object.entries({
    name: 'report.txt',
    size: String(bytes.length),
    action: 'update',
    instance_id: fileshareId,
    file_id: fileId,
    ...extra,
  }))
    form.append(k, v);
  form.append('chunk', new Blob([bytes]), 'report.txt');
  return api.request('POST', '/current/upload/', { raw: { body: form } });
}

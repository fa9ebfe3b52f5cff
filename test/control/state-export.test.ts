/**
 * `GET /_emulator/state` streams the export (issue 18 item 7): chunked, never one string of the
 * whole state, and the same document `exportState()` makes, the files' bytes included. Over a real
 * socket (startEmulator): chunked transfer is what a socket shows, not the in-process transport.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';
import { UNIT_TEST_DIALECT, WS_FORM } from '../support/client.js';

const running: RunningEmulator[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.close();
});

const CONTROL = { 'x-fastio-emulator-client': '1' };

async function post(url: string, token: string | undefined, fields: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : CONTROL), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`POST ${url} -> ${res.status} ${JSON.stringify(body)}`);
  return body;
}

describe('state export', () => {
  it('streams the export with chunked transfer encoding, the same document as exportState(), bytes included', async () => {
    const emu = await startEmulator({ port: 0, apiDialect: UNIT_TEST_DIALECT, logLevel: 'silent' });
    running.push(emu);
    const token = (await post(`${emu.url}/_emulator/users/`, undefined, { account_type: 'human' })).api_key as string;
    const org = (await post(`${emu.url}/current/org/create/`, token, { domain: 'export-stream', name: 'Export', billing_plan: 'pro' })).org as { id: string };
    const ws = (await post(`${emu.url}/current/org/${org.id}/create/workspace/`, token, { folder_name: 'export-ws', name: 'Export ws', ...WS_FORM }))
      .workspace as { id: string };
    // Larger than one base64 piece and one chunk of the serialiser, so the file spans several pieces.
    const bytes = randomBytes(700_000);
    const form = new FormData();
    for (const [k, v] of Object.entries({
      name: 'big.bin',
      size: String(bytes.length),
      action: 'create',
      instance_id: ws.id,
      folder_id: 'root',
      profile_type: 'workspace',
    }))
      form.append(k, v);
    form.append('chunk', new Blob([bytes]), 'big.bin');
    const up = await fetch(`${emu.url}/current/upload/`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(up.status).toBe(200);
    await emu.emulator.jobs.drain();

    const res = await fetch(`${emu.url}/_emulator/state`, { headers: CONTROL });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    let pieces = 0;
    let text = '';
    const decoder = new TextDecoder();
    for await (const piece of res.body!) {
      pieces++;
      text += decoder.decode(piece as Uint8Array, { stream: true });
    }
    expect(pieces).toBeGreaterThan(1);
    const body = JSON.parse(text) as { result: boolean; state: { tables: Record<string, { id: string; data?: string }[]> } };
    expect(body.result).toBe(true);
    // The same document but for the moment it was taken.
    const { savedAt, ...expected } = JSON.parse(JSON.stringify(emu.emulator.exportState())) as Record<string, unknown>;
    expect(typeof savedAt).toBe('string');
    expect({ ...body.state, savedAt: undefined }).toEqual({ ...expected, savedAt: undefined });
    const content = body.state.tables.blobContent!;
    expect(content.map((c) => Buffer.from(c.data!, 'base64').equals(bytes))).toContain(true);
  });
});

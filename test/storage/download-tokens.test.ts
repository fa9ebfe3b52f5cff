import { describe, expect, it } from 'vitest';
import { DOWNLOAD_TOKEN_TTL_MS, DownloadTokens } from '../../emulator/storage/download-tokens.js';
import type { StorageNode, User } from '../../emulator/store/model.js';

const user = { id: '1000000000000000001' } as User;
const node = { id: '2aaaaaaaaaaaaaaaaaaaaaaaaaaaa', workspaceId: '3000000000000000001', versionId: '8bbbbbbbbbbbbbbbbbbbbbbbbbbbb' } as StorageNode;

async function refusal(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'accepted',
    (err: { status?: number; code?: number }) => [err.status, err.code],
  );
}

describe('download tokens', () => {
  it('open their node until `expires` on the emulator clock, and then never again', async () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0, 700);
    const tokens = new DownloadTokens(() => now);
    const { token, expires } = await tokens.issue(user, node);
    // Whole seconds: the time shown is the time the token stops working.
    expect(expires % 1000).toBe(0);
    expect(expires).toBeLessThanOrEqual(now + DOWNLOAD_TOKEN_TTL_MS);
    expect(expires).toBeGreaterThan(now + DOWNLOAD_TOKEN_TTL_MS - 1000);
    expect(await tokens.verify(token, node.id)).toEqual({ workspaceId: node.workspaceId, userId: user.id, versionId: node.versionId });
    now = expires - 1;
    expect((await tokens.verify(token, node.id)).userId).toBe(user.id);
    now = expires;
    expect(await refusal(tokens.verify(token, node.id))).toEqual([401, 1650]);
  });

  it('refuse another node, another instance, a changed payload and an unsigned token alike (401/1650)', async () => {
    const now = () => Date.UTC(2026, 0, 1);
    const tokens = new DownloadTokens(now);
    const { token } = await tokens.issue(user, node);
    expect(await refusal(tokens.verify(token, '2cccccccccccccccccccccccccccc'))).toEqual([401, 1650]);
    expect(await refusal(new DownloadTokens(now).verify(token, node.id))).toEqual([401, 1650]);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: '1000000000000000002' })).toString('base64url');
    expect(await refusal(tokens.verify(`${header}.${forged}.${signature}`, node.id))).toEqual([401, 1650]);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(await refusal(tokens.verify(`${none}.${payload}.`, node.id))).toEqual([401, 1650]);
    expect(await refusal(tokens.verify('not-a-token', node.id))).toEqual([401, 1650]);
  });
});

/**
 * How-to (V2 `POST /current/how-to/`; official client 96b1551 src/api/howto.rs, agent guide v2.6
 * "Ask how-to"): a form with `question`, optional `context` and `surface`; an answer or a request
 * for clarification, both 200; free and org-less (a user with no org asks); 400/147185 for a
 * question the server refuses; the answer is the same for every user (two personas).
 */
import { describe, expect } from 'vitest';
import { contract, setupContract } from '../harness.js';
import { expectApiError } from '../expect.js';

const c = setupContract(import.meta.url, { dialects: ['v2'] });

describe('how-to', () => {
  contract.unverified('answers a product question with steps, phrased for the surface', async () => {
    const { api } = await c.signedIn();
    const rest = await api.post('/current/how-to/', { question: 'How do I upload a large file?' });
    expect(rest.status, rest.text).toBe(200);
    expect(rest.body).toMatchObject({ status: 'answer', escalated: false, topics_used: ['upload-files'] });
    expect(rest.body.answer).toContain('POST /current/upload/');
    const mcp = await api.post('/current/how-to/', { question: 'How do I upload a large file?', surface: 'mcp' });
    expect(mcp.body.answer).toContain('upload action="create-session"');
    const code = await api.post('/current/how-to/', { question: 'How do I upload a large file?', surface: 'code' });
    expect(code.body.answer).toContain('execute method="POST" path="/current/upload/"');
    const share = await api.post('/current/how-to/', { question: 'How do I create a share for a client?' });
    expect(share.body).toMatchObject({ status: 'answer', topics_used: ['share-files'] });
  });

  contract.unverified('asks for clarification when no topic matches; refuses a blank or oversized question', async () => {
    const { api } = await c.signedIn();
    const vague = await api.post('/current/how-to/', { question: 'Tell me about zebras' });
    expect(vague.status, vague.text).toBe(200);
    expect(vague.body.status).toBe('needs_clarification');
    expect((vague.body.questions as string[]).length).toBeGreaterThan(0);
    expectApiError(await api.post('/current/how-to/', { question: '   ' }), 400, 147185);
    expectApiError(await api.post('/current/how-to/', { question: 'x'.repeat(2001) }), 400, 147185);
    expectApiError(await api.post('/current/how-to/', { question: 'upload', context: 'y'.repeat(8001) }), 400, 147185);
    expect((await api.post('/current/how-to/', { question: `  ${'upload '.repeat(285)}` })).status).toBe(200);
    expect((await c.api().post('/current/how-to/', { question: 'How do I upload?' })).status).toBe(401);
  });

  contract.unverified('two users with nothing in common get the same answer; asking changes nothing they can see', async () => {
    const a = await c.signedIn();
    const b = await c.signedIn();
    const org = await c.createOrg(a.api);
    const q = { question: 'How do I follow activity and events of a workspace?' };
    const fromA = await a.api.post('/current/how-to/', q);
    const fromB = await b.api.post('/current/how-to/', q);
    expect(fromA.status, fromA.text).toBe(200);
    expect(fromB.body).toEqual(fromA.body);
    expect(JSON.stringify(fromB.body)).not.toContain(org.id);
    const events = await a.api.get('/current/events/search/', { query: { org_id: org.id, limit: 50 } });
    expect((events.body.events as { event: string }[]).map((e) => e.event).filter((e) => e.includes('how'))).toEqual([]);
  });
});

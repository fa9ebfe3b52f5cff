/**
 * Bad input on the routes only the V2 dialect serves (hostile.test.ts walks the unit dialect's,
 * April's): for each, with the caller a member of the tenant, the path's ids replaced by malformed
 * and by foreign-looking ones, fields missing, wrong-typed, overlong, NUL-bearing or prototype
 * keys, and JSON where a form is expected. Every refusal is a 4xx in the live envelope, and the
 * state after a refused request is the state before it.
 */
import { describe, expect, it } from 'vitest';
import { servesDialect, type AnyRoute } from '../../emulator/http/route.js';
import { inProcessEmulator, HOLD_JOBS } from '../support/client.js';
import { envelopeProblem } from './support.js';

describe('hostile input on the V2-only routes', async () => {
  const h = await inProcessEmulator({ ...HOLD_JOBS, apiDialect: 'v2' });
  const t = await h.tenant({ label: 'hostile-v2', intelligence: true });
  const file = (await h.uploadFile(t.user.token, t.ws.id, 'orchard.txt', 'Orchards grow apples in the valley.')).body as { new_file_id: string };
  await h.emulator.jobs.drain();
  // Every table write goes through one change hook: a refusal must not fire it (as in hostile.test.ts).
  let changes = 0;
  h.emulator.changed.on(() => changes++);
  const v2Only = h.routes.filter((r) => servesDialect(r, 'v2') && !servesDialect(r, '2026-04') && !r.path.startsWith('/_emulator'));

  /** The path with its parameters filled: the tenant's own ids, or `bad` for the one under test. */
  function pathOf(route: AnyRoute, bad?: [name: string, value: string]): string {
    return route.path.replace(/:([a-z_]+)/g, (_, name: string) => {
      if (bad && bad[0] === name) return encodeURIComponent(bad[1]);
      if (name === 'org_id') return t.org.id;
      if (name === 'workspace_id') return t.ws.id;
      if (name === 'node_id') return file.new_file_id;
      return 'x';
    });
  }

  const FIELD_VALUES = ['', 'a'.repeat(20_000), 'nul\u0000byte', '[{"type":"file","id":{}}]', '{"__proto__":{"polluted":1}}', '-1', '1e309'];
  const ID_VALUES = ['..', '%00', 'a'.repeat(300), '__proto__', '12345678901234567890'];

  it('finds the V2-only routes', () => {
    expect(v2Only.length).toBeGreaterThanOrEqual(15);
  });

  for (const route of v2Only) {
    it(`${route.method} ${route.path}`, async () => {
      const problems: string[] = [];
      const check = async (label: string, send: () => Promise<{ status: number; text: string; headers?: Headers }>) => {
        const before = changes;
        const a = await send();
        if (a.status >= 500) problems.push(`${label}: ${a.status} ${a.text.slice(0, 200)}`);
        else if (a.status >= 400) {
          const p = envelopeProblem(a);
          if (p) problems.push(`${label}: ${p}`);
          else if (changes !== before) problems.push(`${label}: a refused request changed the state`);
        }
      };
      const token = t.user.token;
      await check('no credential', () => h.call(route.method, pathOf(route), {}));
      for (const name of [...route.path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!)) {
        for (const v of ID_VALUES) await check(`${name}=${v.slice(0, 20)}`, () => h.call(route.method, pathOf(route, [name, v]), { token }));
      }
      if (route.method !== 'GET' && route.method !== 'DELETE') {
        const fields = [
          'question',
          'name',
          'privacy',
          'kind',
          'references',
          'subjects',
          'content',
          'version_id',
          'billing_plan',
          'snooze_until',
          'email_address',
          'token',
        ];
        for (const f of fields)
          for (const v of FIELD_VALUES) await check(`${f}=${v.slice(0, 20)}`, () => h.call(route.method, pathOf(route), { token, form: { [f]: v } }));
        await check('JSON array body', () => h.rawRequest(route.method, pathOf(route), token, '[1,2,3]', 'application/json'));
        await check('broken JSON body', () => h.rawRequest(route.method, pathOf(route), token, '{"question":', 'application/json'));
      } else {
        for (const v of FIELD_VALUES)
          await check(`query=${v.slice(0, 20)}`, () =>
            h.call(route.method, `${pathOf(route)}?search=${encodeURIComponent(v)}&limit=${encodeURIComponent(v)}&kind=${encodeURIComponent(v)}`, { token }),
          );
      }
      expect(problems).toEqual([]);
    });
  }
});

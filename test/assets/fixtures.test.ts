/** The demo tenants carry a logo each (fixtures/generate.ts `logos`): served from the seed like any upload. */
import { describe, expect, it } from 'vitest';
import { inProcessEmulator } from '../support/client.js';

for (const apiDialect of ['2026-04', 'v2'] as const) {
  describe(`seeded assets (${apiDialect})`, () => {
    it('every demo org has a 64x64 PNG logo its tenant admin reads; another tenant is refused', async () => {
      const emu = await inProcessEmulator({ seedFile: 'demo', apiDialect });
      const db = emu.emulator.db;
      const orgs = db.orgs.toArray();
      expect(
        db.assets
          .toArray()
          .map((a) => [a.entityType, a.name, a.width, a.height])
          .sort(),
      ).toEqual(orgs.map(() => ['org', 'logo', 64, 64]));
      const admin = emu.seed!.personas.find((p) => p.role === 'tenant-admin' && p.tenant === orgs.find((o) => o.plan !== orgs[0]!.plan)!.domain)!;
      const mine = orgs.find((o) => o.domain === admin.tenant)!;
      const listed = await emu.ok('GET', `/current/org/${mine.id}/assets/`, { token: admin.api_key });
      expect(listed.assets).toMatchObject([{ name: 'logo', mimetype: 'image/png', width: 64, height: 64 }]);
      const read = await emu.call('GET', `/current/org/${mine.id}/assets/logo/read/`, { token: admin.api_key });
      expect([read.status, read.bytes.subarray(1, 4).toString('latin1')]).toEqual([200, 'PNG']);
      const other = orgs.find((o) => o.id !== mine.id && !db.orgMembers.find('org', o.id).some((m) => m.userId === admin.user_id))!;
      expect((await emu.call('GET', `/current/org/${other.id}/assets/logo/read/`, { token: admin.api_key })).status).toBe(404);
    });
  });
}

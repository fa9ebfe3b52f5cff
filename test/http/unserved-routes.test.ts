import { describe, expect, it } from 'vitest';
import { Catalogue, type CatalogueRoute } from '../../emulator/catalogue/index.js';
import { catalogueCoverage } from '../../emulator/catalogue/coverage.js';
import { UnservedRoutes } from '../../emulator/http/not-implemented.js';
import { Router, type AnyRoute, type HttpMethod } from '../../emulator/http/route.js';
import { buildEmulator } from '../../emulator/server.js';

function route(method: HttpMethod, path: string, extra: Partial<AnyRoute> = {}): AnyRoute {
  return {
    method,
    path,
    area: 'storage',
    summary: '',
    auth: 'none',
    files: false,
    emulatorOnly: false,
    parity: { status: 'implemented' },
    handler: () => ({ path }),
    ...extra,
  };
}

function doc(method: string, path: string, extra: Partial<CatalogueRoute> = {}): CatalogueRoute {
  return { method, path, area: 'storage', dialects: ['2026-04', 'v2'], status: 'documented', sources: [], ...extra };
}

const served = [
  route('DELETE', '/current/upload/:upload_id/'),
  route('GET', '/current/upload/:upload_id/details/'),
  route('GET', '/current/workspace/:workspace_id/storage/:node_id/list/'),
];
const catalogue = new Catalogue([
  ...served.map((r) => doc(r.method, r.path)),
  doc('GET', '/current/upload/limits/'),
  doc('GET', '/current/upload/details/'),
  doc('GET', '/current/workspace/:workspace_id/storage/trash/list/'),
  doc('GET', '/current/upload/algos/', { dialects: ['v2'] }),
  doc('GET', '/current/tasks/:list_id/details/', { dialects: ['2026-04'], status: 'removed-2026-07-21', area: 'workflow' }),
]);

function answer(method: string, path: string, dialect: '2026-04' | 'v2' = '2026-04') {
  const router = new Router();
  for (const r of served) router.add(r);
  const match = router.match(method, path);
  const gap = new UnservedRoutes(catalogue, dialect, served).check(method, path, match);
  return gap ? { status: gap.status, body: gap.toBody() } : match;
}

describe('literal segments over parameters', () => {
  it('takes GET /current/upload/limits/ for the documented limits route (501), never an upload id (405 Allowed: DELETE)', () => {
    expect(answer('GET', '/current/upload/limits/')).toEqual({
      status: 501,
      body: expect.objectContaining({ code: 1501, route: 'GET /current/upload/limits/', dialect: '2026-04' }) as unknown,
    });
  });

  it('lets a documented literal route win over a served parameter route of the same method', () => {
    // the router alone would serve it as node id "trash"
    const router = new Router();
    for (const r of served) router.add(r);
    expect(router.match('GET', '/current/workspace/1/storage/trash/list/')).toMatchObject({ kind: 'route', params: { node_id: 'trash' } });
    expect(answer('GET', '/current/workspace/1/storage/trash/list/')).toMatchObject({
      status: 501,
      body: { route: 'GET /current/workspace/:workspace_id/storage/trash/list/' },
    });
    // unless the served route declares it answers that literal path (the trash is a node id)
    const lister = route('GET', '/current/workspace/:workspace_id/storage/:node_id/list/', {
      serves: ['/current/workspace/:workspace_id/storage/trash/list/'],
    });
    const router2 = new Router();
    router2.add(lister);
    const trash = router2.match('GET', '/current/workspace/1/storage/trash/list/');
    expect(new UnservedRoutes(catalogue, '2026-04', [lister]).check('GET', '/current/workspace/1/storage/trash/list/', trash)).toBeUndefined();
    // a real node id still reaches the served route
    expect(answer('GET', '/current/workspace/1/storage/n1/list/')).toMatchObject({ kind: 'route', params: { node_id: 'n1' } });
    expect(answer('GET', '/current/upload/u1/details/')).toMatchObject({ kind: 'route', params: { upload_id: 'u1' } });
  });

  it('answers per dialect: 501 where the dialect documents the route, 404 (no match) where only the other one does', () => {
    expect(answer('GET', '/current/upload/algos/', 'v2')).toMatchObject({ status: 501, body: { dialect: 'v2' } });
    expect(answer('GET', '/current/upload/algos/', '2026-04')).toMatchObject({ kind: 'method', allowed: ['DELETE'] });
    expect(answer('GET', '/current/tasks/7/details/', '2026-04')).toMatchObject({ status: 501 });
    expect(answer('GET', '/current/tasks/7/details/', 'v2')).toEqual({ kind: 'none' });
    expect(answer('GET', '/current/no/such/route/')).toEqual({ kind: 'none' });
  });

  it('the router collects the allowed methods of the most literal node first', () => {
    const router = new Router();
    router.add(route('GET', '/current/upload/limits/'));
    router.add(route('DELETE', '/current/upload/:upload_id/'));
    expect(router.match('PUT', '/current/upload/limits/')).toEqual({ kind: 'method', allowed: ['GET'] });
    expect(router.match('PUT', '/current/upload/u1/')).toEqual({ kind: 'method', allowed: ['DELETE'] });
  });
});

describe('coverage against the catalogue', () => {
  it('counts served / documented per dialect and area, 501s, removed routes and invented routes', () => {
    const routes = [...served, route('GET', '/current/invented/'), route('GET', '/_emulator/health', { area: 'control', emulatorOnly: true })];
    const cov = catalogueCoverage(catalogue, routes);
    const april = cov.dialects.find((d) => d.dialect === '2026-04')!;
    expect(april.areas.find((a) => a.area === 'storage')).toEqual({
      area: 'storage',
      documented: 6,
      served: 3,
      implemented: 3,
      partial: 0,
      notImplemented: 3,
      removed: 0,
      disabled: 0,
      score: 50,
    });
    expect(april.areas.find((a) => a.area === 'workflow')).toMatchObject({ documented: 0, served: 0, notImplemented: 1, removed: 1, score: null });
    expect(april.total).toMatchObject({ documented: 6, served: 3, notImplemented: 4, removed: 1 });
    expect(april.missing.map((r) => r.path).sort()).toEqual([
      '/current/upload/details/',
      '/current/upload/limits/',
      '/current/workspace/:workspace_id/storage/trash/list/',
    ]);
    const v2 = cov.dialects.find((d) => d.dialect === 'v2')!;
    expect(v2.total).toMatchObject({ documented: 7, served: 3, notImplemented: 4, removed: 0, score: 42.9 });
    expect(cov.invented).toEqual([{ method: 'GET', path: '/current/invented/', area: 'storage' }]);
  });

  it('the real catalogue and route table add up: per dialect, every catalogued route is served or answers 501', async () => {
    const { routes } = await buildEmulator({ port: 0 });
    const real = Catalogue.load();
    const cov = catalogueCoverage(real, routes);
    expect(cov.catalogueRoutes).toBe(real.routes.length);
    expect(cov.invented).toEqual([]);
    for (const d of cov.dialects) {
      const inDialect = real.routes.filter((r) => r.dialects.includes(d.dialect));
      expect(d.total.documented + d.total.removed + d.total.disabled).toBe(inDialect.length);
      expect(d.total.served + d.total.notImplemented).toBe(inDialect.length);
      expect(d.missing.length).toBe(d.total.documented - d.total.served);
      expect(d.areas.reduce((n, a) => n + a.served, 0)).toBe(d.total.served);
      // no area claims more than it serves
      for (const a of d.areas) expect(a.served).toBeLessThanOrEqual(a.documented);
    }
  }, 30_000);
});

/**
 * Where the emulator stands against the catalogue, per dialect and area. The denominator is what
 * Fast.io documents, never what the emulator serves: `score = served / documented`.
 *
 * Per dialect, a catalogued route is
 *  - `documented` when its upstream status is `documented` (the score's denominator);
 *  - `removed` / `disabled` when upstream dropped it on 2026-07-21 (counted apart, not in the score);
 *  - `served` when a route of the table serves its method and path shape in that dialect, split into
 *    `implemented` and `partial` by the route's parity status;
 *  - `notImplemented` (answers 501) otherwise.
 */
import { servesDialect, type AnyRoute } from '../http/route.js';
import { CATALOGUE_AREAS, DIALECTS, routeShape, type Catalogue, type CatalogueArea, type CatalogueRoute, type Dialect } from './index.js';

export interface AreaCoverage {
  area: CatalogueArea;
  /** routes of this dialect whose upstream status is `documented` */
  documented: number;
  /** documented routes the emulator serves */
  served: number;
  implemented: number;
  partial: number;
  /** catalogued routes of this dialect (any upstream status) that answer 501 */
  notImplemented: number;
  removed: number;
  disabled: number;
  /** served / documented, in percent; null when nothing is documented */
  score: number | null;
}

export interface DialectCoverage {
  dialect: Dialect;
  areas: AreaCoverage[];
  total: Omit<AreaCoverage, 'area'>;
  /** documented routes still answering 501: `METHOD /path/` (area) */
  missing: { method: string; path: string; area: CatalogueArea }[];
  /** served in this dialect though the catalogue documents them only in another one */
  servedOutsideDialect: { method: string; path: string; documentedIn: Dialect[] }[];
}

export interface CatalogueCoverage {
  catalogueRoutes: number;
  dialects: DialectCoverage[];
  /** served API routes (not emulator-only) that no dialect of the catalogue documents */
  invented: { method: string; path: string; area: string }[];
}

const key = (method: string, path: string) => `${method} ${routeShape(path)}`;

function pct(served: number, documented: number): number | null {
  return documented === 0 ? null : Math.round((1000 * served) / documented) / 10;
}

export function catalogueCoverage(catalogue: Catalogue, routes: readonly AnyRoute[]): CatalogueCoverage {
  const api = routes.filter((r) => !r.emulatorOnly && r.area !== 'control');
  const catalogued = new Map<string, CatalogueRoute>(catalogue.routes.map((c) => [key(c.method, c.path), c]));
  const invented = api.filter((r) => !catalogued.has(key(r.method, r.path))).map((r) => ({ method: r.method, path: r.path, area: r.area }));

  const dialects = DIALECTS.map((dialect): DialectCoverage => {
    const served = new Map<string, AnyRoute>();
    for (const r of api) {
      if (!servesDialect(r, dialect) || r.parity.status === 'not-implemented') continue;
      for (const p of [r.path, ...(r.serves ?? [])]) served.set(key(r.method, p), r);
    }
    const inDialect = catalogue.routes.filter((c) => c.dialects.includes(dialect));
    const areas = CATALOGUE_AREAS.map((area): AreaCoverage => {
      const rs = inDialect.filter((c) => c.area === area);
      const documented = rs.filter((c) => c.status === 'documented');
      const servedRs = documented.filter((c) => served.has(key(c.method, c.path)));
      const implemented = servedRs.filter((c) => served.get(key(c.method, c.path))!.parity.status === 'implemented').length;
      return {
        area,
        documented: documented.length,
        served: servedRs.length,
        implemented,
        partial: servedRs.length - implemented,
        notImplemented: rs.filter((c) => !served.has(key(c.method, c.path))).length,
        removed: rs.filter((c) => c.status === 'removed-2026-07-21').length,
        disabled: rs.filter((c) => c.status === 'disabled-2026-07-21').length,
        score: pct(servedRs.length, documented.length),
      };
    });
    const sum = (k: keyof Omit<AreaCoverage, 'area' | 'score'>) => areas.reduce((n, a) => n + a[k], 0);
    const total = {
      documented: sum('documented'),
      served: sum('served'),
      implemented: sum('implemented'),
      partial: sum('partial'),
      notImplemented: sum('notImplemented'),
      removed: sum('removed'),
      disabled: sum('disabled'),
      score: pct(sum('served'), sum('documented')),
    };
    const missing = inDialect
      .filter((c) => c.status === 'documented' && !served.has(key(c.method, c.path)))
      .map((c) => ({ method: c.method, path: c.path, area: c.area }));
    const servedOutsideDialect = [...served.values()]
      .map((r) => ({ r, c: catalogued.get(key(r.method, r.path)) }))
      .filter(({ c }) => c !== undefined && !c.dialects.includes(dialect))
      .map(({ r, c }) => ({ method: r.method, path: r.path, documentedIn: c!.dialects }));
    return { dialect, areas, total, missing, servedOutsideDialect };
  });
  return { catalogueRoutes: catalogue.routes.length, dialects, invented };
}

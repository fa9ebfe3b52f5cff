/**
 * Stage 2a of the pipeline: a request for a route the catalogue documents in the running dialect
 * that the emulator does not serve answers 501 with the route named (Errors.routeNotImplemented),
 * so a user can tell an emulator gap from a typo (404/9992) or a wrong method (405).
 *
 * Literal segments win over parameters: when a served route matches only through a parameter
 * where the catalogue has a literal (`GET /current/upload/limits/` against
 * `DELETE /current/upload/:upload_id/`, `GET .../storage/trash/list/` against
 * `GET .../storage/:node_id/list/`), the documented literal route is the one asked for.
 */
import { routeShape, type Catalogue, type Dialect } from '../catalogue/index.js';
import { Errors, type ApiError } from './errors.js';
import type { AnyRoute, MatchResult } from './route.js';

export class UnservedRoutes {
  /** served routes that some unserved catalogued route shadows with a literal segment */
  private readonly shadowed = new Set<AnyRoute>();

  constructor(
    private readonly catalogue: Catalogue,
    private readonly dialect: Dialect,
    served: readonly AnyRoute[],
  ) {
    const servedShapes = new Set(served.flatMap((r) => [r.path, ...(r.serves ?? [])].map((p) => `${r.method} ${routeShape(p)}`)));
    // Unserved catalogued routes by method and segment count: a served route is compared only with
    // the few of its own shape class (start-up cost grows with served x unserved otherwise).
    const unserved = new Map<string, string[][]>();
    for (const c of catalogue.routes) {
      if (!c.dialects.includes(dialect) || servedShapes.has(`${c.method} ${routeShape(c.path)}`)) continue;
      const cs = c.path.split('/').filter(Boolean);
      const key = `${c.method} ${cs.length}`;
      const list = unserved.get(key);
      if (list) list.push(cs);
      else unserved.set(key, [cs]);
    }
    for (const r of served) {
      const segs = r.path.split('/').filter(Boolean);
      const shadows = (unserved.get(`${r.method} ${segs.length}`) ?? []).some((cs) => {
        let literalOverParam = false;
        for (let i = 0; i < cs.length; i++) {
          const a = cs[i]!;
          const b = segs[i]!;
          if (a.startsWith(':') && !b.startsWith(':')) return false;
          if (!a.startsWith(':') && !b.startsWith(':') && a !== b) return false;
          if (!a.startsWith(':') && b.startsWith(':')) literalOverParam = true;
        }
        return literalOverParam;
      });
      if (shadows) this.shadowed.add(r);
    }
  }

  /** The 501 this request gets instead of what the router found, if any. */
  check(method: string, path: string, match: MatchResult): ApiError | undefined {
    if (match.kind === 'bad-path') return undefined;
    // the hot path: a served route no catalogued literal shadows
    if (match.kind === 'route' && !this.shadowed.has(match.route)) return undefined;
    const documented = this.catalogue.match(method, path, this.dialect);
    if (!documented) return undefined;
    if (match.kind === 'route' && routeShape(documented.path) === routeShape(match.route.path)) return undefined;
    return Errors.routeNotImplemented(documented.method, documented.path, this.dialect);
  }
}

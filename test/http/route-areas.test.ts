/**
 * A route's `area` is the folder its definition lives in (emulator/<folder>/routes.ts): every
 * module is loaded, every route it exports is checked against its folder, and together they must
 * be the whole route table, so a route defined in one folder under another area (or defined
 * outside any area's routes.ts) fails here.
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AREA_FOLDERS, type AnyRoute, type Area } from '../../emulator/http/route.js';
import { allRoutes } from '../../emulator/routes.js';

const EMULATOR = join(import.meta.dirname, '..', '..', 'emulator');

function isRoute(v: unknown): v is AnyRoute {
  return Boolean(v && typeof v === 'object' && 'method' in v && 'path' in v && 'area' in v && 'handler' in v);
}

/** The routes a routes.ts module exports: arrays of routes, or functions building them (control). */
function exported(mod: Record<string, unknown>): AnyRoute[] {
  const out: AnyRoute[] = [];
  for (const v of Object.values(mod)) {
    const list = typeof v === 'function' ? (v as (deps: unknown) => unknown)({ routes: () => [], persistence: () => undefined }) : v;
    if (Array.isArray(list)) out.push(...list.filter(isRoute));
  }
  return out;
}

describe('route areas', () => {
  it('every route is defined in the folder of its area, and the folders hold the whole table', async () => {
    const folders = readdirSync(EMULATOR, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(EMULATOR, d.name, 'routes.ts')))
      .map((d) => d.name);
    const mismatches: string[] = [];
    const seen = new Set<string>();
    for (const folder of folders) {
      const mod = (await import(join(EMULATOR, folder, 'routes.ts'))) as Record<string, unknown>;
      const routes = exported(mod);
      expect(routes.length, `${folder}/routes.ts exports no routes`).toBeGreaterThan(0);
      for (const r of routes) {
        seen.add(`${r.method} ${r.path}`);
        if (!AREA_FOLDERS[r.area].includes(folder)) mismatches.push(`${r.method} ${r.path}: area ${r.area}, defined in ${folder}/`);
      }
    }
    expect(mismatches).toEqual([]);
    const table = allRoutes({ routes: () => [], persistence: () => undefined }).map((r) => `${r.method} ${r.path}`);
    expect(table.filter((k) => !seen.has(k))).toEqual([]);
  });

  it('each area names its folders, and no folder belongs to two areas', () => {
    const owner = new Map<string, Area>();
    for (const [area, folders] of Object.entries(AREA_FOLDERS) as [Area, readonly string[]][]) {
      for (const f of folders) {
        expect(owner.get(f), `${f}/ claimed by ${owner.get(f)} and ${area}`).toBeUndefined();
        owner.set(f, area);
        expect(existsSync(join(EMULATOR, f, 'routes.ts')), `${f}/routes.ts`).toBe(true);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import type { ControlDeps } from '../../emulator/control/routes.js';
import { Router, servesDialect } from '../../emulator/http/route.js';
import { allRoutes } from '../../emulator/routes.js';
import { COMMANDS, UNSERVED_GROUPS } from './commands.js';

/**
 * The command table against the emulator's own route table, without the client: a route the
 * table calls unserved must not be served, and the routes of a command that must pass must be.
 * When a route gets served, this is the test that says which command to move to `pass`.
 */
const router = new Router();
// The client is the V2 one (96b1551): its commands are judged against the V2 route table.
for (const r of allRoutes({} as ControlDeps).filter((r) => servesDialect(r, 'v2'))) router.add(r);

const template = (path: string) => path.replace(/:[a-z_]+/g, ':').replace(/\/+$/, '');

/** Served means: the router gives this path to a route of the same template that is not a 501 stand-in. */
function served(route: string): boolean {
  const [method, path] = route.split(' ') as [string, string];
  const concrete = path.replace(/:[a-z_]+/g, 'sample0');
  const m = router.match(method, concrete);
  return m.kind === 'route' && template(m.route.path) === template(path) && m.route.parity.status !== 'not-implemented';
}

describe('official client: the command table against the route table', () => {
  it('names each command once, with routes in the METHOD /current/... form', () => {
    const names = COMMANDS.map((c) => c.command);
    expect(new Set(names).size).toBe(names.length);
    for (const c of COMMANDS) for (const r of c.routes) expect(r, c.command).toMatch(/^(GET|POST|PUT|DELETE|PATCH) \/current\/[a-z0-9_:/.-]*\/$/);
  });

  it('serves every route of the commands that must pass, and of the gap rows (served routes, unbuilt behaviour)', () => {
    const missing = COMMANDS.filter((c) => c.expect === 'pass' || c.expect === 'gap').flatMap((c) =>
      c.routes.filter((r) => !served(r)).map((r) => `${c.command}: ${r}`),
    );
    expect(missing).toEqual([]);
  });

  it('does not serve at least one route of every command listed as unserved (else move it to pass)', () => {
    const nowServed = COMMANDS.filter((c) => c.expect === 'unserved' && c.routes.every(served)).map((c) => `${c.command} (${c.routes.join(', ')})`);
    expect(nowServed).toEqual([]);
    for (const g of UNSERVED_GROUPS) expect(served(g.route), `${g.group}: ${g.route}`).toBe(false);
  });

  it('gives a reason for every command that fails for something other than an unserved route', () => {
    for (const c of COMMANDS.filter((x) => x.expect === 'gap' || x.expect === 'client-bug' || x.answers || x.failsWith)) {
      expect(c.reason, c.command).toMatch(/\w{3,}/);
    }
  });

  it('tells a served route from a collision: a path the router hands to a different template is unserved', () => {
    // `members/join/` lands on the invite route `members/:member/`: matched, but not served.
    expect(router.match('POST', '/current/org/1/members/join/').kind).toBe('route');
    expect(served('POST /current/org/:org_id/members/join/')).toBe(false);
    expect(served('POST /current/org/:org_id/members/:member/')).toBe(true);
    // A 405 (the path exists under another method) is unserved too.
    expect(served('GET /current/upload/:upload_id/complete/')).toBe(false);
  });
});

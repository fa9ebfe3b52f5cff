import { describe, expect, it } from 'vitest';
import { Router, type AnyRoute, type HttpMethod } from '../../emulator/http/route.js';

function route(method: HttpMethod, path: string): AnyRoute {
  return {
    method,
    path,
    area: 'orgs',
    summary: '',
    auth: 'none',
    files: false,
    emulatorOnly: false,
    parity: { status: 'implemented' },
    handler: () => ({ path }),
  };
}

describe('Router', () => {
  const r = new Router();
  r.add(route('POST', '/current/org/create/'));
  r.add(route('GET', '/current/org/:org_id/details/'));
  r.add(route('POST', '/current/org/:org_id/update/'));
  r.add(route('GET', '/current/org/billing/plan/list/'));
  r.add(route('DELETE', '/current/org/:org_id/member/'));
  r.add(route('POST', '/current/org/:org_id/members/:member/'));

  it('prefers static segments and falls back to parameters', () => {
    const a = r.match('POST', '/current/org/create/');
    expect(a.kind === 'route' && a.route.path).toBe('/current/org/create/');
    const b = r.match('GET', '/current/org/1234567890123456789/details/');
    expect(b).toMatchObject({ kind: 'route', params: { org_id: '1234567890123456789' } });
    const c = r.match('GET', '/current/org/billing/plan/list/');
    expect(c.kind === 'route' && c.route.path).toBe('/current/org/billing/plan/list/');
  });

  it('backtracks from a static branch that does not finish the path', () => {
    // "create" is a static child of /current/org/, but /current/org/create/details/ is an org id "create".
    const m = r.match('GET', '/current/org/create/details/');
    expect(m).toMatchObject({ kind: 'route', params: { org_id: 'create' } });
  });

  it('treats the trailing slash as optional and decodes segments', () => {
    expect(r.match('GET', '/current/org/acme/details').kind).toBe('route');
    expect(r.match('POST', '/current/org/acme/members/a%40b.test/')).toMatchObject({ params: { member: 'a@b.test' } });
  });

  it('answers method-not-allowed with the allowed methods, and none for unknown paths', () => {
    expect(r.match('POST', '/current/org/acme/details/')).toEqual({ kind: 'method', allowed: ['GET'] });
    expect(r.match('POST', '/current/org/acme/member/')).toEqual({ kind: 'method', allowed: ['DELETE'] });
    expect(r.match('GET', '/current/org/')).toEqual({ kind: 'none' });
    expect(r.match('GET', '/current/org/acme/details/extra/')).toEqual({ kind: 'none' });
  });

  it('reports bad percent-encoding instead of throwing', () => {
    expect(r.match('GET', '/current/org/%E0%A4%A/details/')).toEqual({ kind: 'bad-path' });
  });

  it('refuses duplicate routes and conflicting parameter names', () => {
    const x = new Router();
    x.add(route('GET', '/a/:id/'));
    expect(() => x.add(route('GET', '/a/:id/'))).toThrow(/duplicate/);
    expect(() => x.add(route('GET', '/a/:other/b/'))).toThrow(/conflicts/);
  });
});

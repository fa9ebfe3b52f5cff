import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyRoute } from '../../emulator/http/route.js';
import { fromPackageRoot } from '../../emulator/paths.js';
import { buildReport, checkProblems, readCoverage, renderMarkdown, staticMarkerProblems } from '../../scripts/parity.js';

function route(method: AnyRoute['method'], path: string, area: AnyRoute['area'], extra: Partial<AnyRoute> = {}): AnyRoute {
  return {
    method,
    path,
    area,
    summary: `${method} ${path}`,
    auth: 'bearer',
    files: false,
    emulatorOnly: false,
    parity: { status: 'implemented' },
    handler: () => undefined,
    ...extra,
  };
}

const routes = [
  route('GET', '/current/user/auth/check/', 'auth', { parity: { status: 'implemented', choices: ['a CHOICE'] } }),
  route('POST', '/current/org/create/', 'orgs'),
  route('GET', '/current/org/:org_id/details/', 'orgs', { parity: { status: 'partial', divergences: [{ path: '$.org.plan', reason: 'era' }] } }),
  route('DELETE', '/current/org/:org_id/details/', 'orgs', { parity: { status: 'not-implemented' } }),
  route('GET', '/_emulator/health', 'control', { emulatorOnly: true, auth: 'none' }),
];

const coverage = [
  {
    target: 'inprocess',
    file: 'orgs.contract',
    tests: [
      {
        name: 'create and read',
        fullName: 'orgs > create and read',
        marker: { kind: 'live-validated' as const, date: '2026-04-03' },
        requires: [],
        outcome: 'passed' as const,
        requests: [
          ['POST', '/current/org/create/', 200],
          ['GET', '/current/org/1234567890123456789/details/', 200],
          ['GET', '/current/no/such/', 404],
        ] as [string, string, number][],
        snapshots: [{ name: 'details', request: 'GET /current/org/<id:1>/details/', outcome: 'no-live-snapshot' as const, divergences: [] }],
      },
      {
        name: 'health',
        fullName: 'health',
        marker: { kind: 'emulator-only' as const },
        requires: [],
        outcome: 'passed' as const,
        requests: [['GET', '/_emulator/health', 200]] as [string, string, number][],
        snapshots: [],
      },
    ],
  },
];

describe('parity report', () => {
  it('maps recorded requests to route templates, with markers, dates, choices and divergences', () => {
    const report = buildReport(routes, coverage);
    const details = report.routes.find((r) => r.method === 'GET' && r.path === '/current/org/:org_id/details/')!;
    expect(details.tests).toEqual([
      {
        file: 'orgs.contract',
        test: 'orgs > create and read',
        marker: 'live-validated',
        liveValidated: '2026-04-03',
        targets: ['inprocess'],
        outcomes: ['passed'],
      },
    ]);
    expect(details.validation).toBe('live-validated');
    expect(details.divergences).toEqual([{ path: '$.org.plan', reason: 'era', from: 'route table' }]);
    expect(details.snapshots).toEqual([
      { file: 'orgs.contract', test: 'orgs > create and read', name: 'details', outcome: 'no-live-snapshot', recorded: null },
    ]);
    expect(report.routes.find((r) => r.path === '/_emulator/health')!.validation).toBe('emulator-only');
    expect(report.unservedRequests).toBe(1);

    const orgs = report.areas.find((a) => a.area === 'orgs')!;
    expect(orgs).toEqual({ area: 'orgs', routes: 3, implemented: 1, partial: 1, notImplemented: 1, contractTested: 2, liveValidated: 2, score: 50 });
    // An implemented route no test reaches earns nothing.
    expect(report.areas.find((a) => a.area === 'auth')).toMatchObject({ implemented: 1, contractTested: 0, score: 0 });
    expect(report.areas.find((a) => a.area === 'billing')!.score).toBeNull();
    expect(report.control.routes).toBe(1);
  });

  it('the check lists every served route without a contract test', () => {
    const problems = checkProblems(buildReport(routes, coverage));
    expect(problems).toEqual([
      'no contract test covers GET /current/user/auth/check/ (auth)',
      'no contract test covers DELETE /current/org/:org_id/details/ (orgs)',
    ]);
    const md = renderMarkdown(buildReport(routes, coverage));
    expect(md).toContain('| orgs | 3 | 1 | 1 | 1 | 2 | 2 | 50% |');
    expect(md).toContain('- CHOICE (unverified): a CHOICE');
    expect(md).toContain('- `GET /current/user/auth/check/` (auth)');
  });

  it('flags contract files that import test or it from vitest', () => {
    expect(staticMarkerProblems('a.contract.ts', "import { describe, expect } from 'vitest';")).toEqual([]);
    expect(staticMarkerProblems('a.contract.ts', "import { describe, it as check, test } from 'vitest';")[0]).toContain('imports it, test from vitest');
    expect(staticMarkerProblems('a.contract.ts', "import * as v from 'vitest';")).toHaveLength(1);
  });
});

describe('marker check', () => {
  it('a contract test defined with plain test() fails, and the parity check names it', () => {
    const results = mkdtempSync(join(tmpdir(), 'markers-'));
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/harness/fixtures/vitest.markers.config.ts'], {
      cwd: fromPackageRoot(),
      env: { ...process.env, FASTIO_CONTRACT_RESULTS_DIR: results, FASTIO_TARGET: 'inprocess' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = run.stdout + run.stderr;
    expect(run.status, output).not.toBe(0);
    expect(output).toContain('"a plain test" has no contract marker');
    expect(output).toMatch(/1 failed.*1 passed|1 passed.*1 failed/s);

    const record = JSON.parse(readFileSync(join(results, 'contract-coverage', 'inprocess-markers.contract.json'), 'utf8')) as {
      tests: { name: string; marker: unknown; outcome: string }[];
    };
    expect(record.tests.map((t) => [t.name, t.marker, t.outcome])).toEqual([
      ['a marked test', { kind: 'unverified' }, 'passed'],
      ['a plain test', null, 'failed'],
    ]);
    const coverage = readCoverage({ suitesDir: fromPackageRoot('test', 'harness', 'fixtures', 'markers'), coverageDir: join(results, 'contract-coverage') });
    const problems = checkProblems(buildReport([], coverage.files, coverage.problems));
    expect(problems).toContain('markers.contract: "a plain test" has no contract marker (defined with test/it)');
    expect(problems.some((p) => p.includes('imports test from vitest'))).toBe(true);
  }, 90_000);
});

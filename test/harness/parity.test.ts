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
        dialects: ['v2'],
        outcomes: ['passed'],
      },
    ]);
    expect(details.testedIn).toEqual(['v2']);
    expect(details.dialects).toEqual(['2026-04', 'v2']);
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

  it('maps each request over the routes of the dialect its test ran under, and checks every dialect that serves a route', () => {
    const april = route('POST', '/current/workspace/:workspace_id/ai/chat/', 'intelligence', {
      dialects: ['2026-04'],
      parity: { status: 'implemented', choices: ['an April CHOICE'] },
    });
    const v2Only = route('POST', '/current/workspace/:workspace_id/ai/agent/', 'intelligence', {
      dialects: ['v2'],
      parity: { status: 'implemented', choices: ['a V2 CHOICE'] },
    });
    const test = (name: string, requests: [string, string, number][]) => ({
      name,
      fullName: name,
      marker: { kind: 'unverified' as const },
      requires: [],
      outcome: 'passed' as const,
      requests,
      snapshots: [],
    });
    const both: [string, string, number][] = [
      ['POST', '/current/org/create/', 200],
      ['POST', '/current/workspace/1/ai/chat/', 200],
      ['POST', '/current/workspace/1/ai/agent/', 200],
    ];
    const records = [
      { target: 'inprocess', dialect: '2026-04' as const, file: 'ai.contract', tests: [test('chat', both)] },
      { target: 'inprocess', dialect: 'v2' as const, file: 'ai.contract', tests: [test('chat', both)] },
      { target: 'http', dialect: 'v2' as const, file: 'orgs.contract', tests: [test('create', [['POST', '/current/org/create/', 200]])] },
    ];
    const report = buildReport(
      [route('POST', '/current/org/create/', 'orgs'), route('GET', '/current/user/auth/check/', 'auth'), april, v2Only],
      records,
      [],
      undefined,
      {
        v2: ['a plan CHOICE'],
      },
    );
    const byPath = (p: string) => report.routes.find((r) => r.path === p)!;
    // Under 2026-04 the /ai/agent/ request reaches no route; under v2 the /ai/chat/ one does not.
    expect(byPath('/current/workspace/:workspace_id/ai/chat/').testedIn).toEqual(['2026-04']);
    expect(byPath('/current/workspace/:workspace_id/ai/agent/').testedIn).toEqual(['v2']);
    expect(byPath('/current/org/create/').tests.map((t) => [t.file, t.targets, t.dialects])).toEqual([
      ['ai.contract', ['inprocess'], ['2026-04', 'v2']],
      ['orgs.contract', ['http'], ['v2']],
    ]);
    expect(report.unservedRequests).toBe(2);
    const v2 = report.dialects.find((d) => d.dialect === 'v2')!;
    expect(v2).toMatchObject({ routes: 3, contractTested: 2, targets: ['http', 'inprocess'] });
    expect(v2.choices).toEqual([
      { route: null, choices: ['a plan CHOICE'], onlyHere: false },
      { route: 'POST /current/workspace/:workspace_id/ai/agent/', choices: ['a V2 CHOICE'], onlyHere: true },
    ]);
    const md = renderMarkdown(report);
    expect(md).toContain('### v2 (2 CHOICEs)');
    expect(md).toContain('- `POST /current/workspace/:workspace_id/ai/agent/` (only here): a V2 CHOICE');
    expect(md).toContain('- `POST /current/workspace/:workspace_id/ai/chat/` (only here): an April CHOICE');
    expect(md).toContain('| v2 | 3 | 2 | 0 | 0 | http, inprocess |');

    // A route served in both dialects but tested under one only is a problem of the other.
    const v2Run = buildReport([route('POST', '/current/org/create/', 'orgs')], records.slice(1));
    expect(checkProblems(v2Run)).toEqual([]);
    const aprilOnly = buildReport([route('POST', '/current/org/create/', 'orgs'), v2Only], [records[0]!, { ...records[2]!, tests: [] }]);
    expect(checkProblems(aprilOnly)).toEqual(['no contract test covers POST /current/workspace/:workspace_id/ai/agent/ (intelligence)']);
    const mixed = buildReport(
      [route('POST', '/current/org/create/', 'orgs'), route('GET', '/current/user/details/', 'auth')],
      [
        {
          target: 'inprocess',
          dialect: '2026-04' as const,
          file: 'a.contract',
          tests: [
            test('a', [
              ['POST', '/current/org/create/', 200],
              ['GET', '/current/user/details/', 200],
            ]),
          ],
        },
        { target: 'inprocess', dialect: 'v2' as const, file: 'a.contract', tests: [test('a', [['POST', '/current/org/create/', 200]])] },
      ],
    );
    expect(checkProblems(mixed)).toEqual(['no contract test covers GET /current/user/details/ (auth) under the v2 dialect (it is served there)']);
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
      env: { ...process.env, FASTIO_CONTRACT_RESULTS_DIR: results, FASTIO_TARGET: 'inprocess', FASTIO_CONTRACT_DIALECT: '2026-04' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const output = run.stdout + run.stderr;
    expect(run.status, output).not.toBe(0);
    expect(output).toContain('"a plain test" has no contract marker');
    expect(output).toMatch(/1 failed.*1 passed|1 passed.*1 failed/s);

    // One record per target and dialect: this run spoke 2026-04.
    const record = JSON.parse(readFileSync(join(results, 'contract-coverage', 'inprocess-2026-04-markers.contract.json'), 'utf8')) as {
      dialect: string;
      tests: { name: string; marker: unknown; outcome: string; dialect: string }[];
    };
    expect(record.dialect).toBe('2026-04');
    expect(record.tests.every((t) => t.dialect === '2026-04')).toBe(true);
    expect(record.tests.map((t) => [t.name, t.marker, t.outcome])).toEqual([
      ['a marked test', { kind: 'unverified' }, 'passed'],
      ['a plain test', null, 'failed'],
    ]);
    const coverage = readCoverage({ suitesDir: fromPackageRoot('test', 'harness', 'fixtures', 'markers'), coverageDir: join(results, 'contract-coverage') });
    // The v2 run is missing: the check says so (every contract file runs in process under both dialects).
    expect(coverage.problems).toContain(
      'no contract record for markers.contract.ts (inprocess, v2): run the contract suites first (npm test or npm run parity)',
    );
    expect(coverage.files.map((f) => f.dialect)).toEqual(['2026-04']);
    const problems = checkProblems(buildReport([], coverage.files, coverage.problems));
    expect(problems).toContain('markers.contract: "a plain test" has no contract marker (defined with test/it)');
    expect(problems.some((p) => p.includes('imports test from vitest'))).toBe(true);
  }, 90_000);
});

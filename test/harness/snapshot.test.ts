import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  diffJson,
  formatDifferences,
  formatPath,
  Normaliser,
  parsePath,
  SnapshotBook,
  SnapshotMismatchError,
  SnapshotWriteRefused,
  type SnapshotFile,
  type SnapshotResponse,
} from '../../contracts/snapshot.js';

const USER = '1234567890123456789';
const OTHER = '9876543210987654321';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';

describe('normaliser', () => {
  it('replaces ids, tokens, emails and times, keeping identity within one normaliser', () => {
    const n = new Normaliser();
    const created = n.normalise({ id: USER, owner: { id: OTHER, email: 'a@b.test' }, auth_token: JWT, created: '2026-04-01 10:00:00 UTC' });
    const fetched = n.normalise({ user: { id: USER }, at: '2026-04-01T10:00:00.123Z', api_key: 'A'.repeat(48) });
    expect(created).toEqual({ auth_token: '<jwt:1>', created: '<time:fastio>', id: '<id:1>', owner: { email: '<email:1>', id: '<id:2>' } });
    // The id from create is the id from get.
    expect(fetched).toEqual({ api_key: '<secret:1>', at: '<time:iso8601>', user: { id: '<id:1>' } });
  });

  it('numbers references in sorted key order, so key order in the JSON does not matter', () => {
    const a = new Normaliser().normalise({ b: OTHER, a: USER });
    const b = new Normaliser().normalise({ a: USER, b: OTHER });
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe('{"a":"<id:1>","b":"<id:2>"}');
  });

  it('recognises opaque node ids and leaves ordinary strings, numbers and booleans alone', () => {
    const n = new Normaliser();
    const opaque = '2abcdefghij0123456789klmnopqr';
    expect(n.normalise({ node: opaque, name: 'report.pdf', size: 42, ok: true, nothing: null })).toEqual({
      name: 'report.pdf',
      node: '<id:1>',
      nothing: null,
      ok: true,
      size: 42,
    });
    // A 29-character word without digits is not an id.
    expect(n.normalise('abcdefghijklmnopqrstuvwxyzabc')).toBe('abcdefghijklmnopqrstuvwxyzabc');
  });

  it('replaces epoch times only under time-like keys', () => {
    const n = new Normaliser();
    expect(n.normalise({ expires: 1_780_000_000, created_at: 1_780_000_000_000, expires_in: 3600, count: 1_780_000_000 })).toEqual({
      count: 1_780_000_000,
      created_at: '<epoch:ms>',
      expires: '<epoch:s>',
      expires_in: 3600,
    });
  });

  it("replaces the run's unique names and embedded ids inside free text", () => {
    const n = new Normaliser(['ctabc123-acme-0']);
    const out = n.normalise({
      domain: 'ctabc123-acme-0',
      text: `Org ctabc123-acme-0 (${USER}) was not found for a@b.test.`,
      resource: `GET /current/org/${USER}/details/`,
    }) as Record<string, string>;
    expect(out.domain).toBe('<unique:1>');
    expect(out.text).toBe('Org <unique:1> (<id:1>) was not found for <email:1>.');
    expect(out.resource).toBe('GET /current/org/<id:1>/details/');
  });
});

describe('JSON paths', () => {
  it('formats and parses paths, quoting keys that are not identifiers', () => {
    const segs = ['user', 'keys', 0, '2factor', 'x y'];
    const path = formatPath(segs);
    expect(path).toBe('$.user.keys[0]["2factor"]["x y"]');
    expect(parsePath(path)).toEqual(segs);
    expect(parsePath('$.items[*].id')).toEqual(['items', '*', 'id']);
    expect(() => parsePath('user.id')).toThrow(/starts with "\$"/);
    expect(() => parsePath('$.a..b')).toThrow(/cannot read/);
  });
});

describe('differ', () => {
  const live = { result: true, user: { id: '<id:1>', plan: 'free', tags: ['a', 'b'], n: 1 } };

  it('finds nothing between equal answers', () => {
    expect(diffJson(live, structuredClone(live)).differences).toEqual([]);
  });

  it('reports missing, extra, type, value and length differences path by path', () => {
    const emulator = { result: true, user: { id: '<id:2>', tags: ['a'], n: '1', extra: true } };
    const { differences } = diffJson(live, emulator);
    expect(differences).toEqual([
      { path: '$.user.extra', kind: 'extra', emulator: true },
      { path: '$.user.id', kind: 'value', live: '<id:1>', emulator: '<id:2>' },
      { path: '$.user.n', kind: 'type', live: 1, emulator: '1' },
      { path: '$.user.plan', kind: 'missing', live: 'free' },
      { path: '$.user.tags', kind: 'length', live: 2, emulator: 1 },
    ]);
    const text = formatDifferences(differences);
    expect(text).toContain('$.user.plan: only in the live answer (live: "free")');
    expect(text).toContain("$.user.extra: only in the emulator's answer (emulator: true)");
    expect(text).toContain('$.user.n: type differs: live number 1, emulator string "1"');
    expect(text.split('\n')).toHaveLength(5);
  });

  it('skips declared divergences (with wildcards) and says which of them did differ', () => {
    const emulator = { result: true, user: { id: '<id:1>', plan: 'agent', tags: ['x', 'y'], n: 1 } };
    const r = diffJson(live, emulator, { ignore: ['$.user.plan', '$.user.tags[*]', '$.user.absent'] });
    expect(r.differences).toEqual([]);
    expect(r.divergencesSeen.sort()).toEqual(['$.user.plan', '$.user.tags[*]']);
  });

  it('a divergence on a key missing on one side covers it', () => {
    const r = diffJson({ a: 1, hint: 'x' }, { a: 1 }, { ignore: ['$.hint'] });
    expect(r.differences).toEqual([]);
    expect(r.divergencesSeen).toEqual(['$.hint']);
  });

  it('compares only JSON types under shapeOnly paths, and list items against the first live item', () => {
    const a = { user: { first_name: 'Ada', id: '<id:1>' }, items: [{ id: '<id:2>', size: 1 }] };
    const b = {
      user: { first_name: 'Persona', id: '<id:1>' },
      items: [
        { id: '<id:3>', size: 5 },
        { id: '<id:4>', size: 'big' },
      ],
    };
    const r = diffJson(a, b, { shapeOnly: ['$.user.first_name', '$.items'] });
    expect(r.differences).toEqual([{ path: '$.items[1].size', kind: 'type', live: 1, emulator: 'big' }]);
  });
});

function response(body: unknown, status = 200, headers: Record<string, string> = {}, path = `/current/user/${USER}/`): SnapshotResponse {
  return { status, headers: new Headers(headers), body, request: { method: 'GET', path } };
}

describe('snapshot book', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'snapshots-'));

  it('records a live answer with the date and source, then an emulator run compares against it', () => {
    const path = join(dir(), 'auth.contract.snapshot.json');
    const live = new SnapshotBook({ path, file: 'auth.contract', target: 'live', update: true, baseUrl: 'https://api.fast.io', today: () => '2026-04-02' });
    const rec = live.match('t > details', 'details', response({ result: true, user: { id: USER, name: 'Ada' } }), new Normaliser());
    expect(rec.outcome).toBe('recorded');
    live.flush();
    const file = JSON.parse(readFileSync(path, 'utf8')) as SnapshotFile;
    expect(file.updated).toBe('2026-04-02');
    expect(file.snapshots['t > details']).toEqual({
      recorded: '2026-04-02',
      source: 'https://api.fast.io',
      request: 'GET /current/user/<id:1>/',
      status: 200,
      body: { result: true, user: { id: '<id:1>', name: 'Ada' } },
    });

    const emu = new SnapshotBook({ path, file: 'auth.contract', target: 'inprocess', update: false, baseUrl: 'http://emulator.local' });
    const same = emu.match(
      't > details',
      'details',
      response({ result: true, user: { name: 'Ada', id: OTHER } }, 200, {}, `/current/user/${OTHER}/`),
      new Normaliser(),
    );
    expect(same).toMatchObject({ outcome: 'matched', recorded: '2026-04-02' });

    let err: unknown;
    try {
      emu.match('t > details', 'details', response({ result: true, user: { id: OTHER } }, 404), new Normaliser());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SnapshotMismatchError);
    const message = (err as Error).message;
    expect(message).toContain('differs from the live snapshot "details" (recorded 2026-04-02 from https://api.fast.io');
    expect(message).toContain('status: live 200, inprocess 404');
    expect(message).toContain('$.user.name: only in the live answer (live: "Ada")');
  });

  it('passes a declared divergence and reports it', () => {
    const path = join(dir(), 'x.snapshot.json');
    const live = new SnapshotBook({ path, file: 'x', target: 'live', update: true, baseUrl: 'https://api.fast.io' });
    live.match('k', 'n', response({ result: true, plan: 'free' }), new Normaliser());
    live.flush();
    const emu = new SnapshotBook({
      path,
      file: 'x',
      target: 'http',
      update: false,
      baseUrl: 'http://127.0.0.1:1',
      fileDivergences: { '$.plan': 'plans differ per era' },
    });
    const r = emu.match('k', 'n', response({ result: true, plan: 'agent' }, 402), new Normaliser(), {
      divergences: { status: 'the emulator charges earlier' },
    });
    expect(r.outcome).toBe('matched');
    expect(r.divergences).toEqual([
      { path: 'status', reason: 'the emulator charges earlier' },
      { path: '$.plan', reason: 'plans differ per era' },
    ]);
  });

  it('asserts nothing without a live recording, and says so', () => {
    const emu = new SnapshotBook({ path: join(dir(), 'none.json'), file: 'none', target: 'inprocess', update: false, baseUrl: 'http://emulator.local' });
    expect(emu.match('k', 'n', response({ anything: 1 }), new Normaliser()).outcome).toBe('no-live-snapshot');
  });

  it('refuses to write from an emulator target or from an answer carrying the emulator header', () => {
    const path = join(dir(), 'refused.snapshot.json');
    for (const target of ['inprocess', 'http'] as const) {
      const book = new SnapshotBook({ path, file: 'refused', target, update: true, baseUrl: 'http://emulator.local' });
      expect(() => book.match('k', 'n', response({ result: true }), new Normaliser())).toThrow(SnapshotWriteRefused);
    }
    const rehearsal = new SnapshotBook({ path, file: 'refused', target: 'live', update: true, baseUrl: 'http://127.0.0.1:9' });
    expect(() => rehearsal.match('k', 'n', response({ result: true }, 200, { 'x-fastio-emulator': '0.1.0' }), new Normaliser())).toThrow(
      /came from the emulator/,
    );
    rehearsal.flush();
    expect(existsSync(path)).toBe(false);
  });
});

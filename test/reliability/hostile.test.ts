/**
 * Hostile input on every route of the route table (issue 9, item 2), in each dialect over a tenant
 * made in that dialect's forms (the V2 walk covers the V2-only routes). Cases are generated from
 * each route's data: its path parameters and the fields of its zod schemas, so a new route is
 * covered the day it lands. For every case:
 *
 * - the answer comes within a timeout (never a hang), and is never a 5xx;
 * - an error is a 4xx in the live envelope `{"result": false, "error": {"code", "text"}}`;
 * - a request whose hostile value the field's own schema refuses (or a missing required field, a
 *   body that is not what its content type says, a body over the limit) must be an error;
 * - an error changes no record (every table write goes through one change hook, counted here); a
 *   success may change state, which is then restored from the fixture's export;
 * - nothing pollutes `Object.prototype`.
 *
 * Header abuse (huge headers, duplicate Authorization, bad content-length, broken HTTP) needs real
 * sockets: hostile-http.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { servesDialect, type AnyRoute } from '../../emulator/http/route.js';
import { HOLD_JOBS, type Answer, inProcessEmulator, RequestTimeout, WS_FORM } from '../support/client.js';
import { envelopeProblem, LONG, parseJson, report } from './support.js';

// ---------------------------------------------------------------------------------------------
// Hostile values

/** Strings as a form or a query string carries them. */
const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  'x'.repeat(70_000),
  '\u0000',
  'a\u0000b',
  '\ud800',
  'a\udfffb',
  '\u202eevil\u202c',
  'zero\u200bwidth\u200d',
  '\ufeffbom',
  '🦄👨‍👩‍👧‍👦',
  'e\u0301\u0301\u0301',
  '../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  '..',
  '__proto__',
  'constructor',
  'prototype',
  '{"$gt": ""}',
  'null',
  'undefined',
  'true',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  '0x10',
  '9'.repeat(40),
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%',
  '%zz',
  '\r\nx-injected: 1',
  '999999999999999',
  '2147483648',
  '0.0000001',
  'orchard apple pear '.repeat(600),
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '2026-02-30 25:61:61 UTC',
  '0000-01-01',
];

/** Typed values a JSON body can carry instead of a string. */
const HOSTILE_JSON: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  -0,
  2 ** 53 + 2,
  [],
  ['a', 'b'],
  {},
  { $gt: '' },
  { __proto__: { polluted: 'yes' } },
  JSON.parse('{"__proto__": {"polluted": "yes"}}') as unknown,
  '\ud800',
  'x'.repeat(70_000),
  [[[[[[[[[[[[[[[[[[[[['deep']]]]]]]]]]]]]]]]]]]]],
];

/** Path parameter values, already as they appear in the URL. */
const HOSTILE_PATH: readonly string[] = [
  '%20',
  '%00',
  'a%00b',
  // '.', '..' and their encodings are dot segments: a URL parser (light-my-request's) resolves them
  // to another path; the real-HTTP cases below send them as they are.
  '..%2f..%2fetc%2fpasswd',
  '..%252f..%252f',
  '%2fetc%2fpasswd',
  '%5c..%5c',
  '__proto__',
  'constructor',
  'prototype',
  'x'.repeat(5_000),
  '9'.repeat(19),
  '1' + '0'.repeat(18),
  '0'.repeat(19),
  '9'.repeat(40),
  '-1',
  'null',
  '%ED%A0%80',
  '%E2%80%AE',
  '%F0%9F%A6%84',
  '%zz',
  '%',
  'root',
  'trash',
  'ROOT',
  '2' + 'z'.repeat(28),
  '2' + 'z'.repeat(100),
  '%C0%AE%C0%AE',
];

const DEEP_JSON = '['.repeat(1_000_000) + ']'.repeat(1_000_000);

const HOSTILE_AUTH: readonly [string, string][] = [
  ['empty', ''],
  ['scheme only', 'Bearer'],
  ['blank token', 'Bearer    '],
  ['JWT-shaped garbage', 'Bearer a.b.c'],
  ['JWT-shaped, empty parts', 'Bearer ..'],
  ['base64 JSON header, alg none', `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"1"}').toString('base64url')}.`],
  ['a megabyte token', `Bearer ${'k'.repeat(1024 * 1024)}`],
  ['NUL in the token', 'Bearer abc\u0000def'],
  ['unicode token', 'Bearer 🦄\u202e'],
  ['Basic garbage', 'Basic !!!notbase64'],
  ['Basic without a colon', `Basic ${Buffer.from('nobody').toString('base64')}`],
  ['Basic with a huge password', `Basic ${Buffer.from(`a@b.test:${'p'.repeat(100_000)}`).toString('base64')}`],
  ['Digest', 'Digest username="x"'],
  ['lower-case bearer with tabs', 'bearer\tabc'],
];

const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__', 'valueOf', 'zzz_unknown'];

// ---------------------------------------------------------------------------------------------
// Schema reading (the route table's zod schemas)

interface Fields {
  shape: Record<string, z.ZodType> | undefined;
  schema: z.ZodType | undefined;
}

function fieldsOf(thunk: (() => z.ZodType) | undefined): Fields {
  if (!thunk) return { shape: undefined, schema: undefined };
  const schema = thunk();
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  return { shape, schema };
}

function accepts(schema: z.ZodType | undefined, value: unknown): boolean {
  return schema ? schema.safeParse(value).success : true;
}

/**
 * Whether a value sent in a form or query string must be refused. A lone surrogate has no UTF-8
 * form: it travels as bytes that are not UTF-8, which the parser keeps as the literal escape, so
 * what the server receives is another string (the JSON cases carry lone surrogates exactly).
 */
function formRefuses(schema: z.ZodType | undefined, value: string): boolean {
  if (/[\ud800-\udfff]/.test(value) && !/^(?:[\ud800-\udbff][\udc00-\udfff]|[^\ud800-\udfff])*$/.test(value)) return false;
  return !accepts(schema, value);
}

/**
 * The values a field gets. The long run (`npm run soak`) sends every value to every field; CI sends
 * each field every other value, alternating between fields, so every value still meets many fields.
 */
function sample<T>(values: readonly T[], key: string): readonly T[] {
  if (LONG) return values;
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return values.filter((_, i) => (i + h) % 2 === 0);
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/:([a-z_]+)/g)].map((m) => m[1]!);
}

// ---------------------------------------------------------------------------------------------
// Cases

interface Case {
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** the request is invalid: it must be answered with an error */
  mustFail: boolean;
  timeoutMs?: number;
}

function formEncode(body: Record<string, unknown>): string {
  // URLSearchParams turns lone surrogates into U+FFFD; a raw encoder keeps them as invalid UTF-8.
  return Object.entries(body)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${rawEncode(k)}=${rawEncode(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&');
}

const encoded = new Map<string, string>();

function rawEncode(s: string): string {
  let out = encoded.get(s);
  if (out !== undefined) return out;
  out = rawEncodeOnce(s);
  if (s.length > 32) encoded.set(s, out);
  return out;
}

function rawEncodeOnce(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // a lone surrogate: its WTF-8 bytes, which are not valid UTF-8
      out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`;
    } else out += c === 0x20 ? '+' : encodeURIComponent(s[i]!);
  }
  return out;
}

function queryString(q: Record<string, unknown>): string {
  const s = formEncode(q);
  return s ? `?${s}` : '';
}

/** Each dialect walks the routes it serves, over a tenant made in that dialect's forms. */
const WALKS = [
  { dialect: '2026-04', plan: 'pro', chatPath: 'ai/chat' },
  { dialect: 'v2', plan: 'growth_monthly', chatPath: 'ai/agent' },
] as const;

describe.each(WALKS)('hostile input on every route ($dialect)', async ({ dialect, plan, chatPath }) => {
  const h = await inProcessEmulator({ ...HOLD_JOBS, apiDialect: dialect });
  const v2 = dialect === 'v2';

  // ---- the fixture: one tenant with something behind every kind of id
  const owner = await h.persona('human');
  const member = await h.persona('human');
  const agent = await h.persona('agent');
  // April takes the plan at create; a V2 org is upgrade-only until it subscribes.
  const org = (
    await h.ok('POST', '/current/org/create/', {
      token: owner.token,
      form: { domain: 'hostile-a', name: 'Hostile Alpha', ...(v2 ? {} : { billing_plan: plan }) },
    })
  ).org as {
    id: string;
    domain: string;
  };
  if (v2) await h.ok('POST', `/current/org/${org.id}/billing/`, { token: owner.token, form: { billing_plan: plan } });
  const ws = (
    await h.ok('POST', `/current/org/${org.id}/create/workspace/`, {
      token: owner.token,
      form: {
        ...WS_FORM,
        folder_name: 'hostile-ws',
        name: 'Hostile WS',
        intelligence: 'true',
      },
    })
  ).workspace as { id: string };
  await h.ok('POST', `/current/org/${org.id}/members/${member.id}/`, { token: owner.token, form: { permissions: 'member' } });
  await h.ok('POST', `/current/workspace/${ws.id}/members/${member.id}/`, { token: owner.token, form: { permissions: 'member' } });
  const invite = (
    (await h.ok('POST', `/current/org/${org.id}/members/pending%40hostile.test/`, { token: owner.token, form: { permissions: 'member' } })).member as {
      invite: { id: string };
    }
  ).invite;
  const file = (await h.uploadFile(owner.token, ws.id, 'orchard.txt', 'Orchards grow apples and pears in the hostile valley.')).body as { new_file_id: string };
  const trashed = (await h.uploadFile(owner.token, ws.id, 'trash-me.txt', 'Bound for the trash.')).body as { new_file_id: string };
  await h.ok('DELETE', `/current/workspace/${ws.id}/storage/${trashed.new_file_id}/delete/`, { token: owner.token });
  await h.ok('POST', `/current/workspace/${ws.id}/storage/root/createfolder/`, { token: owner.token, form: { name: 'docs' } });
  await h.emulator.jobs.drain();
  const chatAnswer = await h.ok('POST', `/current/workspace/${ws.id}/${chatPath}/`, {
    token: owner.token,
    form: { type: 'chat_with_files', question: 'What grows in the valley?' },
  });
  // April answers chat_id and message_id; V2 the thread and its first turn.
  const chat = v2
    ? { chat_id: (chatAnswer.thread as { thread_id: string }).thread_id, message_id: (chatAnswer.turn as { turn_id: string }).turn_id }
    : (chatAnswer as { chat_id: string; message_id: string });
  const share = (
    await h.ok('POST', `/current/workspace/${ws.id}/create/share/`, { token: owner.token, form: { title: 'Hostile Share', intelligence: 'false' } })
  ).share as { id: string };
  const session = await h.ok('POST', '/current/upload/', { token: owner.token, form: { name: 'big.bin', size: '10', instance_id: ws.id } });
  const key = await h.ok('POST', '/current/user/auth/key/', { token: owner.token, form: { memo: 'extra key' } });
  const orgB = (await h.ok('POST', '/current/org/create/', { token: agent.token, form: { domain: 'hostile-b', name: 'Hostile Bravo' } })).org as { id: string };
  const transfer = await h.ok('POST', `/current/org/${orgB.id}/transfer/token/create/`, { token: agent.token });
  // Settle this period's held storage now, so no later request's first storage operation writes it.
  await h.inject({ method: 'GET', url: `/current/workspace/${ws.id}/storage/${file.new_file_id}/read/`, headers: { authorization: `Bearer ${owner.token}` } });
  const eventId = [...h.emulator.db.events.values()].at(-1)!.id;

  const baseline = h.emulator.exportState();
  let changes = 0;
  h.emulator.changed.on(() => changes++);
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

  /** Values that make a valid request, by field or parameter name (undefined: left out unless targeted). */
  function good(route: AnyRoute, name: string): unknown {
    const p = route.path;
    switch (name) {
      case 'org_id':
        return p.startsWith('/_emulator/') ? org.domain : org.id;
      case 'workspace_id':
        return p.startsWith('/current/events/') ? ws.id : ws.id;
      case 'node_id':
        if (/\/(list|createfolder|createnote)\/$/.test(p)) return 'root';
        if (p.endsWith('/purge/')) return trashed.new_file_id;
        return file.new_file_id;
      case 'member':
        return member.id;
      case 'invitation_id':
        return invite.id;
      case 'token_id':
        return transfer.id;
      case 'upload_id':
        return session.id;
      case 'chat_id':
        return chat.chat_id;
      case 'message_id':
        return chat.message_id;
      case 'key_id':
        return key.id;
      case 'event_id':
        return eventId;
      case 'entity_id':
        return ws.id;
      case 'share_id':
        return share.id;
      case 'domain':
        return 'hostile-new';
      case 'fault_id':
        return 'no-such-rule';
      case 'asset':
        return 'index.html';
      case 'name':
        return p.endsWith('/createnote/') ? 'hostile-note.md' : 'Hostile Name';
      case 'folder_name':
        return 'hostile-new';
      case 'description':
        return 'A description long enough.';
      case 'industry':
        return 'orchards';
      case 'billing_email':
        return 'billing@hostile.test';
      case 'billing_plan':
        return plan;
      case 'permissions':
        return 'member';
      case 'perm_join':
      case 'perm_member_manage':
        return 'Member or above';
      case 'intelligence':
        return 'true';
      case 'confirm':
        return p.includes('/org/') ? org.domain : 'hostile-ws';
      case 'email_address':
        return 'new-user@hostile.test';
      case 'password':
        return 'hostile-password';
      case 'tos_agree':
        return 'true';
      case 'first_name':
      case 'last_name':
        return 'Hostile';
      case 'email':
        return p.startsWith('/_emulator/') ? 'persona-new@hostile.test' : owner.email;
      case 'email_token':
        return '000000';
      case 'memo':
      case 'scopes':
      case 'agent_name':
        return 'hostile';
      case 'token':
        return p.endsWith('/read/') ? undefined : (transfer.token as string);
      case 'search':
        return 'orchards apples';
      case 'question':
        return 'What grows in the valley?';
      case 'type':
        return 'chat_with_files';
      case 'personality':
        return 'concise';
      case 'limit':
      case 'org_limit':
      case 'file_limit':
        return '10';
      case 'offset':
      case 'since':
        return '0';
      case 'wait':
      case 'timeout_ms':
      case 'seconds':
        return '0';
      case 'order':
        return '1';
      case 'size':
        return p.endsWith('/chunk/') ? undefined : '10';
      case 'instance_id':
        return ws.id;
      case 'folder_id':
        return 'root';
      case 'action':
        return 'create';
      case 'profile_type':
        return 'workspace';
      case 'chunk':
        return 'hostile chunk';
      case 'content':
        return 'A hostile note.';
      case 'meter':
        return 'storage_bytes';
      case 'kind':
        return 'storage';
      case 'credits':
      case 'units':
        return '1';
      case 'account_type':
        return 'human';
      case 'verified':
        return 'true';
      case 'user_id':
        return owner.id;
      case 'status':
        return p === '/_emulator/faults' ? '409' : undefined;
      case 'method':
        return 'GET';
      case 'path':
        return p === '/_emulator/faults' ? '/current/nothing/' : undefined;
      case 'now':
        return p === '/_emulator/clock' ? '2000-01-01T00:00:00Z' : 'true';
      default:
        return undefined;
    }
  }

  function baseFields(route: AnyRoute, fields: Fields): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(fields.shape ?? {})) {
      const v = good(route, name);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }

  function authHeaders(route: AnyRoute): Record<string, string> {
    if (route.auth === 'basic') return { authorization: `Basic ${Buffer.from(`${owner.email}:${owner.password}`).toString('base64')}` };
    return { authorization: `Bearer ${owner.token}` };
  }

  function buildUrl(route: AnyRoute, params: Record<string, string>, query: Record<string, unknown>): string {
    const path = route.path.replace(/:([a-z_]+)/g, (_m, n: string) => params[n] ?? 'x');
    return path + queryString(query);
  }

  function casesFor(route: AnyRoute): Case[] {
    const names = pathParams(route.path);
    const paramFields = fieldsOf(route.params);
    const queryFields = fieldsOf(route.query);
    const bodyFields = fieldsOf(route.body);
    const goodParams: Record<string, string> = {};
    for (const n of names) goodParams[n] = encodeURIComponent(String(good(route, n) ?? 'x'));
    const goodQuery = baseFields(route, queryFields);
    const goodBody = baseFields(route, bodyFields);
    const auth = authHeaders(route);
    const hasBody = route.method !== 'GET';
    const out: Case[] = [];
    const request = (
      label: string,
      o: { params?: Record<string, string>; query?: Record<string, unknown>; body?: string | Buffer; type?: string; headers?: Record<string, string> },
      mustFail: boolean,
    ) => {
      const headers: Record<string, string> = { ...auth, ...(o.type !== undefined ? { 'content-type': o.type } : {}), ...(o.headers ?? {}) };
      out.push({
        label,
        method: route.method,
        url: buildUrl(route, o.params ?? goodParams, o.query ?? goodQuery),
        headers,
        ...(o.body !== undefined && hasBody ? { payload: o.body } : {}),
        mustFail,
      });
    };
    const form = (b: Record<string, unknown>) => ({ body: formEncode(b), type: 'application/x-www-form-urlencoded' });
    const json = (b: unknown) => ({ body: JSON.stringify(b), type: 'application/json' });
    const goodForm = form(goodBody);

    // A valid request, for reference (may pass).
    request('valid', hasBody ? goodForm : {}, false);

    // Credentials that are not credentials (routes that need none may still pass).
    const needsAuth = route.auth !== 'none';
    for (const [label, value] of sample(HOSTILE_AUTH, `${route.method}${route.path}:auth`)) {
      request(`authorization ${label}`, { ...(hasBody ? goodForm : {}), headers: { authorization: value } }, needsAuth);
    }

    // Malformed path parameters.
    for (const n of names) {
      const fieldSchema = paramFields.shape?.[n];
      for (const v of sample(HOSTILE_PATH, `${route.path}:${n}`)) {
        let decoded: string | undefined;
        try {
          decoded = decodeURIComponent(v);
        } catch {
          decoded = undefined;
        }
        // Undecodable paths are refused by the router; a value the schema refuses must be refused.
        const mustFail = decoded === undefined || (fieldSchema !== undefined && !accepts(fieldSchema, decoded));
        request(`param ${n}=${v.slice(0, 40)}`, { params: { ...goodParams, [n]: v }, ...(hasBody ? goodForm : {}) }, mustFail);
      }
    }

    // Query fields: hostile strings, repeated keys, missing required ones.
    for (const [n, fieldSchema] of Object.entries(queryFields.shape ?? {})) {
      for (const v of sample(HOSTILE_STRINGS, `${route.path}?${n}`)) {
        request(`query ${n}=${JSON.stringify(v.slice(0, 30))}`, { query: { ...goodQuery, [n]: v }, ...(hasBody ? goodForm : {}) }, formRefuses(fieldSchema, v));
      }
      request(`query ${n} twice`, { query: goodQuery, ...(hasBody ? goodForm : {}), params: goodParams }, false);
      out[out.length - 1]!.url += `${out[out.length - 1]!.url.includes('?') ? '&' : '?'}${n}=a&${n}=b`;
      out[out.length - 1]!.mustFail = !accepts(fieldSchema, ['a', 'b']);
      const { [n]: _gone, ...without } = goodQuery;
      request(`query ${n} missing`, { query: without, ...(hasBody ? goodForm : {}) }, !accepts(fieldSchema, undefined));
    }
    for (const k of EXTRA_KEYS)
      request(`query extra ${k}`, { query: { ...goodQuery, [k]: 'x', [`${k}[polluted]`]: 'yes' }, ...(hasBody ? goodForm : {}) }, false);

    if (!hasBody) return out;

    // Body fields, form and JSON.
    for (const [n, fieldSchema] of Object.entries(bodyFields.shape ?? {})) {
      for (const v of sample(HOSTILE_STRINGS, `${route.method}${route.path}:${n}`))
        request(`form ${n}=${JSON.stringify(v.slice(0, 30))}`, form({ ...goodBody, [n]: v }), formRefuses(fieldSchema, v));
      for (const v of sample(HOSTILE_JSON, `${route.method}${route.path}:${n}:json`))
        request(`json ${n}=${JSON.stringify(v)?.slice(0, 30)}`, json({ ...goodBody, [n]: v }), !accepts(fieldSchema, v));
      const { [n]: _gone, ...without } = goodBody;
      request(`form ${n} missing`, form(without), !accepts(fieldSchema, undefined));
      request(`json ${n} missing`, json(without), !accepts(fieldSchema, undefined));
    }
    // Keys that could reach a prototype, in both encodings.
    for (const k of EXTRA_KEYS) {
      request(`form extra ${k}`, form({ ...goodBody, [k]: 'x', [`${k}[polluted]`]: 'yes', [`${k}.polluted`]: 'yes' }), false);
      request(
        `json extra ${k}`,
        {
          body: `{${[...Object.entries(goodBody).map(([a, b]) => `${JSON.stringify(a)}:${JSON.stringify(b)}`), `${JSON.stringify(k)}:{"polluted":"yes","__proto__":{"polluted":"yes"}}`].join(',')}}`,
          type: 'application/json',
        },
        false,
      );
    }
    // Whole bodies that are not what the route takes.
    const bodyRequired = !accepts(bodyFields.schema, {});
    request('json body sent as form', { body: JSON.stringify(goodBody), type: 'application/x-www-form-urlencoded' }, bodyRequired);
    request('form body sent as json', { body: goodForm.body || 'a=b', type: 'application/json' }, true);
    request('json array body', json([goodBody]), bodyFields.schema !== undefined);
    request('json null body', { body: 'null', type: 'application/json' }, true);
    request('json string body', { body: '"text"', type: 'application/json' }, true);
    request('json truncated', { body: '{"a": ', type: 'application/json' }, true);
    request('json nested a million deep', { body: DEEP_JSON, type: 'application/json' }, bodyFields.schema !== undefined);
    request(
      'json duplicate keys',
      {
        body: `{${Object.keys(goodBody)
          .map((k) => `"${k}": 1`)
          .join(',')}${Object.keys(goodBody).length ? ',' : ''}${formEncode({}) || ''}"dup": 1, "dup": 2}`,
        type: 'application/json',
      },
      false,
    );
    request('plain text body', { body: goodForm.body, type: 'text/plain' }, bodyRequired);
    request('no content type', { body: goodForm.body }, bodyRequired);
    request('vendor json type', { body: JSON.stringify(goodBody), type: 'application/vnd.hostile+json' }, false);
    request('json charset latin1', { body: JSON.stringify(goodBody), type: 'application/json; charset=latin1' }, true);
    request('json charset utf-16 (utf-8 bytes)', { body: JSON.stringify(goodBody), type: 'application/json; charset=utf-16' }, true);
    // A form in another charset decodes to other fields: refused where the route needs fields.
    request('form charset utf-16', { body: goodForm.body, type: 'application/x-www-form-urlencoded; charset=utf-16' }, bodyRequired);
    request('form charset utf-7 trick', { body: '+ADw-script+AD4-', type: 'application/x-www-form-urlencoded; charset=utf-7' }, bodyRequired);
    request('content-type with many parameters', { body: JSON.stringify(goodBody), type: `application/json; ${'a=b; '.repeat(500)}charset=utf-8` }, false);
    request('gzip encoding, not gzip', { body: JSON.stringify(goodBody), type: 'application/json', headers: { 'content-encoding': 'gzip' } }, true);
    request('unknown encoding', { body: JSON.stringify(goodBody), type: 'application/json', headers: { 'content-encoding': 'x-hostile' } }, true);
    request('form of 5,000 parameters', form(Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`p${i}`, 'x']))), true);
    // Bodies over the limit (1 MiB for JSON and forms).
    // (The control plane takes JSON up to 512 MiB: whole state imports.)
    request('json over the limit', json({ ...goodBody, padding: 'x'.repeat(1024 * 1024) }), route.area !== 'control');
    request('form over the limit', form({ ...goodBody, padding: 'x'.repeat(1024 * 1024) }), true);
    // Multipart: broken, without a boundary, a file where none is taken, a declared size over the limit.
    const boundary = '----hostile';
    const partOf = (k: string, v: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
    const fieldsPart = Object.entries(goodBody)
      .map(([k, v]) => partOf(k, String(v)))
      .join('');
    const mp = `multipart/form-data; boundary=${boundary}`;
    request('multipart fields', { body: `${fieldsPart}--${boundary}--\r\n`, type: mp }, false);
    request(
      'multipart truncated',
      { body: `${fieldsPart}--${boundary}\r\nContent-Disposition: form-data; name="chunk"; filename="a.txt"\r\n\r\nhalf`, type: mp },
      true,
    );
    request('multipart without boundary', { body: fieldsPart, type: 'multipart/form-data' }, bodyRequired);
    request('multipart wrong boundary', { body: `${fieldsPart}--${boundary}--\r\n`, type: 'multipart/form-data; boundary=other' }, false);
    request('multipart header without name', { body: `--${boundary}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${boundary}--\r\n`, type: mp }, false);
    request(
      'multipart __proto__ field',
      { body: `${fieldsPart}${partOf('__proto__', 'x')}${partOf('constructor[prototype][polluted]', 'yes')}--${boundary}--\r\n`, type: mp },
      false,
    );
    request(
      'multipart path traversal filename',
      {
        body: `${fieldsPart}--${boundary}\r\nContent-Disposition: form-data; name="chunk"; filename="../../../../etc/passwd"\r\n\r\nbytes\r\n--${boundary}--\r\n`,
        type: mp,
      },
      !route.files,
    );
    if (route.files) {
      for (const filename of ['C:\\\\x\\\\..\\\\y.txt', 'a\u0000b.txt', 'x'.repeat(10_000), '..', '.', '', '\u202egnp.exe', '%2e%2e%2fx', '🦄.txt', 'CON']) {
        request(
          `multipart filename ${JSON.stringify(filename.slice(0, 20))}`,
          {
            body: `${fieldsPart.replace(/--[^\r]+\r\nContent-Disposition: form-data; name="name"\r\n\r\n[^\r]*\r\n/, '')}--${boundary}\r\nContent-Disposition: form-data; name="chunk"; filename="${filename}"\r\n\r\nbytes\r\n--${boundary}--\r\n`,
            type: mp,
          },
          false,
        );
      }
    }
    request(
      'multipart file on a route without files',
      { body: `${fieldsPart}--${boundary}\r\nContent-Disposition: form-data; name="stray"; filename="x.bin"\r\n\r\nbytes\r\n--${boundary}--\r\n`, type: mp },
      true,
    );
    request(
      'multipart of 1,000 parts',
      { body: `${Array.from({ length: 1000 }, (_, i) => partOf(`f${i}`, 'x')).join('')}--${boundary}--\r\n`, type: mp },
      true,
    );
    request(
      'multipart declared over the limit',
      { body: `${fieldsPart}--${boundary}--\r\n`, type: mp, headers: { 'content-length': String(64 * 1024 * 1024) } },
      true,
    );
    return out;
  }

  const counts = { routes: 0, cases: 0, errors: 0, successes: 0, restores: 0, mustFail: 0 };
  const problems: string[] = [];
  const timing = { requests: 0, restores: 0, slowest: [] as [number, string][] };

  async function run(route: AnyRoute, c: Case): Promise<void> {
    counts.cases++;
    if (c.mustFail) counts.mustFail++;
    // The events search has a documented per-user budget (5 per 3 s): move the clock past it.
    if (route.rateLimit) h.emulator.clock.advance(31);
    const before = changes;
    const started = performance.now();
    let a: Answer;
    try {
      a = await h.inject({
        method: c.method,
        url: c.url,
        headers: c.headers,
        ...(c.payload !== undefined ? { payload: c.payload } : {}),
        timeoutMs: c.timeoutMs ?? 10_000,
      });
    } catch (e) {
      if (e instanceof RequestTimeout) {
        problems.push(`${c.method} ${route.path} [${c.label}]: hang (${e.message})`);
        return;
      }
      throw e;
    }
    const where = `${c.method} ${route.path} [${c.label}]`;
    // A synchronous stall (a runaway regular expression) holds the timer too: measure as well.
    const elapsed = performance.now() - started;
    if (elapsed > (c.timeoutMs ?? 10_000)) problems.push(`${where}: answered after ${Math.round(elapsed)} ms (hang)`);
    if (a.status >= 500) problems.push(`${where}: ${a.status} ${a.text.slice(0, 300)}`);
    else if (a.status >= 400) {
      counts.errors++;
      const bad = envelopeProblem(a);
      if (bad) problems.push(`${where}: not the live envelope (${bad}): ${a.text.slice(0, 200)}`);
      if (changes !== before) problems.push(`${where}: answered ${a.status} but changed the state`);
    } else {
      counts.successes++;
      if (c.mustFail) problems.push(`${where}: invalid input answered ${a.status}: ${a.text.slice(0, 200)}`);
    }
    if (Object.getOwnPropertyNames(Object.prototype).sort().join(',') !== protoKeys || ({} as Record<string, unknown>).polluted !== undefined) {
      problems.push(`${where}: Object.prototype was polluted`);
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
    h.emulator.faults.clear();
    timing.requests += performance.now() - started;
    if (changes !== before) {
      const t0 = performance.now();
      counts.restores++;
      h.emulator.importState(baseline);
      await h.emulator.jobs.drain();
      changes = before;
      timing.restores += performance.now() - t0;
    }
  }

  // The routes the running dialect serves: another dialect's answer 404/501 here, by design.
  const routes = h.routes.filter((r) => servesDialect(r, h.emulator.config.apiDialect));

  it('covers every route of the table', () => {
    expect(routes.length).toBeGreaterThanOrEqual(100);
  });

  for (const route of routes) {
    it(`${route.method} ${route.path}`, { timeout: LONG ? 600_000 : 60_000 }, async () => {
      counts.routes++;
      const cases = casesFor(route);
      const start = problems.length;
      for (const c of cases) await run(route, c);
      expect(problems.slice(start)).toEqual([]);
    });
  }

  afterAll(() => {
    report('hostile-routes', {
      ...counts,
      timing: { requests: Math.round(timing.requests), restores: Math.round(timing.restores) },
      problems: problems.length,
      firstProblems: problems.slice(0, 300),
    });
  });

  it('a fault rule whose glob would backtrack for ever neither hangs the server nor is refused silently', async () => {
    // Compiled to a regular expression, `a*` twelve times against a long segment took minutes (and
    // `@(a|a*)+` a minute on 40 characters): the matcher now works segment by segment.
    const started = performance.now();
    const rule = await h.ok('POST', '/_emulator/faults', { form: { path: `/current/orgs/check/domain/${'a*'.repeat(12)}b/`, status: '409' } });
    const probe = await h.call('GET', `/current/orgs/check/domain/${'a'.repeat(60)}/`, { token: owner.token });
    const extglob = await h.ok('POST', '/_emulator/faults', { form: { path: `/current/orgs/check/domain/${'@(a|a*)+'.repeat(10)}b/`, status: '409' } });
    const probe2 = await h.call('GET', `/current/orgs/check/domain/${'a'.repeat(60)}/`, { token: owner.token });
    const elapsed = performance.now() - started;
    h.emulator.faults.clear();
    expect(rule.fault).toBeDefined();
    expect(extglob.fault).toBeDefined();
    expect([probe.status, probe2.status]).toEqual([200, 200]);
    expect(elapsed).toBeLessThan(5_000);
    // Brace groups that would expand without end are refused with the field named.
    const braces = await h.call('POST', '/_emulator/faults', { form: { path: `/current/${'{a,b}'.repeat(12)}/`, status: '409' } });
    expect(braces.status).toBe(400);
    expect(JSON.stringify(braces.body)).toContain('"name":"path"');
  });

  it('a request with two Authorization headers is refused, whichever comes first', async () => {
    for (const pair of [
      [`Bearer ${owner.token}`, 'Bearer junk'],
      ['Bearer junk', `Bearer ${owner.token}`],
      [`Bearer ${owner.token}`, `Bearer ${owner.token}`],
    ]) {
      const a = await h.inject({ method: 'GET', url: '/current/user/details/', headers: { authorization: pair } });
      expect(a.status, a.text).toBe(400);
      expect(envelopeProblem(a)).toBeUndefined();
    }
  });

  it('a state import refused for a bad header changes nothing', async () => {
    const before = changes;
    const a = await h.inject({
      method: 'PUT',
      url: '/_emulator/state',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ format: 'fastio-emulator-state', version: 99, tables: {} }),
    });
    expect(a.status).toBe(400);
    expect(changes).toBe(before);
  });
  void parseJson;
});

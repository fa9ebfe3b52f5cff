/**
 * Generates an emulator state file (the format `GET /_emulator/state` exports, `--seed` and
 * `PUT /_emulator/state` load) of any size, row by row to a stream, so a million-row state never
 * sits in the generator's memory. Rows have the shapes of `emulator/store/model.ts` with values
 * of realistic length (19-digit ids, 29-character opaque ids, scrypt hashes, audit payloads), so
 * the emulator's memory and flush figures at this size are its own.
 *
 * Shape: every org has one owner (a user of its own, with one API key), `workspacesPerOrg`
 * workspaces with the owner as their member, and the audit events are spread over the orgs and
 * their workspaces. `ownerApiKey(i)` is the key of org i's owner (`orgIds[i]`).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ApiKey, AuditEvent, Org, OrgMember, User, Workspace, WorkspaceMember } from '../../emulator/store/model.js';
import { STATE_FORMAT, STATE_VERSION } from '../../emulator/store/db.js';
import { mulberry32 } from '../../emulator/store/random.js';

export interface StateShape {
  orgs: number;
  workspacesPerOrg: number;
  events: number;
}

/** The scale benchmark: 10,000 orgs, 100,000 workspaces, 1,000,000 events. */
export const SCALE_SHAPE: StateShape = Object.freeze({ orgs: 10_000, workspacesPerOrg: 10, events: 1_000_000 });

/** Rows a shape produces: users, API keys, orgs and org members (one each per org), workspaces and their members, events. */
export function rowsOf(shape: StateShape): number {
  return shape.orgs * 4 + shape.orgs * shape.workspacesPerOrg * 2 + shape.events;
}

/** The scale shape, shrunk to about `rows` rows (same proportions). */
export function shapeForRows(rows: number): StateShape {
  const f = rows / rowsOf(SCALE_SHAPE);
  const orgs = Math.max(1, Math.round(SCALE_SHAPE.orgs * f));
  return { orgs, workspacesPerOrg: SCALE_SHAPE.workspacesPerOrg, events: Math.max(0, rows - orgs * 4 - orgs * SCALE_SHAPE.workspacesPerOrg * 2) };
}

const B36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const EVENT_KINDS: [event: string, category: string, subcategory: string, onWorkspace: boolean][] = [
  ['workspace_created', 'workspace', 'create', true],
  ['workspace_updated', 'workspace', 'update', true],
  ['member_added', 'workspace', 'members', true],
  ['file_uploaded', 'storage', 'upload', true],
  ['file_downloaded', 'storage', 'download', true],
  ['org_updated', 'org', 'update', false],
  ['member_invited', 'org', 'members', false],
  ['user_signed_in', 'user', 'auth', false],
];

export interface GeneratedState {
  file: string;
  shape: StateShape;
  rows: Record<string, number>;
  totalRows: number;
  bytes: number;
  orgIds: string[];
}

/** The API key of org i's owner (the state stores only its hash, as the emulator does). */
export function ownerApiKey(i: number): string {
  return `benchkey${String(i).padStart(40, '0')}`;
}

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** Write a state file of `shape` to `file`. */
export async function writeStateFile(file: string, shape: StateShape, seed = 8): Promise<GeneratedState> {
  const rnd = mulberry32(seed);
  const chars = (n: number, alphabet: string) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
    return s;
  };
  // Unique by construction: a sequence number in the low digits, random high digits.
  const profileId = (kind: number, seq: number) => `${1 + kind}${chars(8, '0123456789')}${String(seq).padStart(10, '0')}`;
  const opaqueId = (type: string) => type + chars(28, B36);

  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };

  const t0 = Date.UTC(2026, 0, 1);
  const day = 86_400_000;
  const users: string[] = [];
  const orgIds: string[] = [];
  const workspaceIds: string[] = [];
  for (let o = 0; o < shape.orgs; o++) {
    users.push(profileId(1, o));
    orgIds.push(profileId(3, o));
  }
  for (let w = 0; w < shape.orgs * shape.workspacesPerOrg; w++) workspaceIds.push(profileId(5, w));

  const rows: Record<string, number> = {};
  let firstTable = true;
  const table = async (name: string, count: number, row: (i: number) => object) => {
    await write(`${firstTable ? '' : ',\n'}${JSON.stringify(name)}:[`);
    firstTable = false;
    for (let i = 0; i < count; i++) await write(`${i === 0 ? '\n' : ',\n'}${JSON.stringify(row(i))}`);
    await write(count ? '\n]' : ']');
    rows[name] = count;
  };

  await write(`{"format":${JSON.stringify(STATE_FORMAT)},"version":${STATE_VERSION},"savedAt":"2026-06-01T00:00:00.000Z","clockOffsetMs":0,"tables":{\n`);

  await table('users', shape.orgs, (i): User => {
    const email = `owner-${i}@tenant-${i}.example.com`;
    return {
      id: users[i]!,
      email,
      emailKey: email,
      passwordHash: `scrypt$4096$${chars(24, B64)}$${chars(44, B64)}`,
      firstName: 'Owner',
      lastName: `Tenant ${i}`,
      accountType: i % 3 === 0 ? 'agent' : 'human',
      emailVerified: true,
      created: t0 + i * 1000,
      updated: t0 + i * 1000,
    };
  });

  await table('apiKeys', shape.orgs, (i): ApiKey => {
    const key = ownerApiKey(i);
    return {
      id: opaqueId('d'),
      userId: users[i]!,
      keyHash: sha256Hex(key),
      keyTail: key.slice(-4),
      memo: 'tenant automation',
      scopes: null,
      agentName: null,
      expires: null,
      created: t0 + i * 1000,
    };
  });

  await table('orgs', shape.orgs, (i): Org => ({
    id: orgIds[i]!,
    domain: `tenant-${i}`,
    name: `Tenant ${i} Inc.`,
    description: null,
    industry: i % 2 ? 'software' : null,
    billingEmail: `billing@tenant-${i}.example.com`,
    plan: i % 4 === 0 ? 'business' : 'pro',
    periodAnchor: t0 + i * 1000,
    permMemberManage: 'Admin or above',
    created: t0 + i * 1000,
    updated: t0 + i * 1000,
    closed: null,
    extra: {},
  }));

  await table('orgMembers', shape.orgs, (i): OrgMember => ({
    id: `${orgIds[i]}:${users[i]}`,
    orgId: orgIds[i]!,
    userId: users[i]!,
    inviteEmail: null,
    role: 'owner',
    status: 'active',
    invite: null,
    invitedBy: null,
    created: t0 + i * 1000,
    updated: t0 + i * 1000,
  }));

  const orgOfWorkspace = (w: number) => Math.floor(w / shape.workspacesPerOrg);
  await table('workspaces', workspaceIds.length, (w): Workspace => ({
    id: workspaceIds[w]!,
    orgId: orgIds[orgOfWorkspace(w)]!,
    folderName: `project-${w % shape.workspacesPerOrg}`,
    name: `Project ${w % shape.workspacesPerOrg} of tenant ${orgOfWorkspace(w)}`,
    description: w % 3 === 0 ? 'Shared files and notes for the project team.' : null,
    permJoin: 'Member or above',
    permMemberManage: 'Admin or above',
    intelligence: w % 5 === 0,
    archived: false,
    createdBy: users[orgOfWorkspace(w)]!,
    created: t0 + w * 100,
    updated: t0 + w * 100,
    deleted: null,
    extra: {},
  }));

  await table('workspaceMembers', workspaceIds.length, (w): WorkspaceMember => ({
    id: `${workspaceIds[w]}:${users[orgOfWorkspace(w)]}`,
    workspaceId: workspaceIds[w]!,
    orgId: orgIds[orgOfWorkspace(w)]!,
    userId: users[orgOfWorkspace(w)]!,
    inviteEmail: null,
    role: 'owner',
    status: 'active',
    invite: null,
    invitedBy: null,
    created: t0 + w * 100,
    updated: t0 + w * 100,
  }));

  await table('events', shape.events, (e): AuditEvent => {
    const [event, category, subcategory, onWorkspace] = EVENT_KINDS[e % EVENT_KINDS.length]!;
    const o = Math.floor(rnd() * shape.orgs);
    const w = onWorkspace && shape.workspacesPerOrg > 0 ? o * shape.workspacesPerOrg + Math.floor(rnd() * shape.workspacesPerOrg) : undefined;
    return {
      id: opaqueId('a'),
      event,
      category,
      subcategory,
      orgId: orgIds[o]!,
      workspaceId: w === undefined ? null : workspaceIds[w]!,
      shareId: null,
      userId: users[o]!,
      callingUserId: users[o]!,
      objectId: w === undefined ? orgIds[o]! : opaqueId('2'),
      data: w === undefined ? { name: `Tenant ${o} Inc.` } : { name: `report-${e % 997}.pdf`, size: 1024 + (e % 65536) },
      acknowledged: false,
      created: t0 + Math.floor((e / Math.max(1, shape.events)) * 150 * day),
    };
  });

  await write('\n}}\n');
  out.end();
  await once(out, 'finish');
  const totalRows = Object.values(rows).reduce((a, b) => a + b, 0);
  return { file, shape, rows, totalRows, bytes, orgIds };
}

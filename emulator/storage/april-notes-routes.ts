/**
 * The April note routes (official client 41dde01 src/api/workspace.rs create_note, update_note,
 * read_note; src/api/storage.rs read_content): `notes/` (GET read, POST create, JSON bodies) and
 * `notes/update/`, and `content/` (a note's or a text file's content). Served through the same
 * notes service as V2's createnote/readnote/updatenote (notes.ts): one note, two spellings.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { nodeJson } from './format.js';
import { aprilCreateNoteBody, readNoteQuery, updateNoteBody, workspaceNodeParams } from './schema.js';

const SOURCE =
  'official client 41dde01 src/api/workspace.rs create_note/update_note/read_note, src/api/storage.rs read_content, commands/files.rs read_content';
const FOREIGN_NODE_CHOICE = "another workspace's node id answers 401/115069 (also when the caller reaches that workspace)";
const NOT_A_NOTE_CHOICE = 'a file or folder answers 400/1605 "Node is not a note." (params[{name: node_id, code: 153548}]), as V2 readnote';
/** PARITY: CHOICE. The most bytes `content/` answers as text (a larger file is read with read/). */
export const CONTENT_MAX_BYTES = 1024 * 1024;

const textOf = (bytes: Buffer): string | undefined => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
};

export const storageAprilNoteRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/notes/',
    dialects: ['2026-04'],
    area: 'storage',
    summary: 'Create a note (`name` ending in .md, optional markdown `content`; a JSON body) in a folder',
    params: workspaceNodeParams,
    body: aprilCreateNoteBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers the note under `node`, as createnote; without content the note is empty',
        'records workspace_storage_file_added, ingested and charged as a createnote',
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => ({
      node: nodeJson(emu.storage.createNote(callerOf(ctx).user, scope, params.node_id, body.name, body.content ?? '')),
    }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/notes/',
    dialects: ['2026-04'],
    area: 'storage',
    summary: "A note's markdown (`content`) and its node (`note`)",
    params: workspaceNodeParams,
    query: readNoteQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `content` and `note` as V2 readnote; `version_id` reads a kept version',
        NOT_A_NOTE_CHOICE,
        'not charged as bandwidth',
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (_ctx, { params, query, scope }, emu) => {
      const { content, note } = emu.storage.readNote(scope, params.node_id, query.version_id);
      return { content, note: nodeJson(note) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/notes/update/',
    dialects: ['2026-04'],
    area: 'storage',
    summary: 'Rename a note and/or replace its markdown (a JSON body; the previous content is kept as a version)',
    params: workspaceNodeParams,
    body: updateNoteBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: ['answers the note under `node`, as updatenote; neither name nor content answers 400/1605', NOT_A_NOTE_CHOICE, FOREIGN_NODE_CHOICE],
    },
    handler: (ctx, { params, body, scope }, emu) => ({
      node: nodeJson(
        emu.storage.updateNote(callerOf(ctx).user, scope, params.node_id, { name: body.name, content: body.content, ifVersionId: body.if_version_id }),
      ),
    }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/content/',
    dialects: ['2026-04'],
    area: 'storage',
    summary: "A note's or a text file's content as text (`content`) with its node (`node`)",
    params: workspaceNodeParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `content` (UTF-8 text) and `node`; a note is not charged (as readnote), a file is charged as bandwidth like read/',
        `a file that is not UTF-8 text, or larger than ${CONTENT_MAX_BYTES} bytes, answers 400/1605 (read it with read/); a folder 400/1605`,
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, scope }, emu) => {
      const node = emu.storage.file(scope, params.node_id);
      if (node.type === 'note') {
        const { content, note } = emu.storage.readNote(scope, node.id, undefined);
        return { content, node: nodeJson(note) };
      }
      if (node.size > CONTENT_MAX_BYTES)
        throw Errors.invalidField('node_id', `This file holds ${node.size} bytes; content/ answers at most ${CONTENT_MAX_BYTES}: use read/.`);
      // Checked before charging: a binary file is refused without a download being charged.
      const text = textOf(emu.storage.bytesOf(node));
      if (text === undefined) throw Errors.invalidField('node_id', 'This file is not text: download it with read/.');
      emu.storage.download(callerOf(ctx).user, scope, node.id, undefined, true);
      return { content: text, node: nodeJson(node) };
    },
  }),
];

/**
 * Notes: markdown nodes of type `note`, written with `createnote`, read with `readnote` and
 * changed with `updatenote`. A note's content changes are versions like a file's (versions.ts);
 * a `.md` uploaded as a file stays a file, and the note routes refuse it.
 */
import { ApiError, Codes, Errors } from '../http/errors.js';
import type { StorageNode, User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { AuditEvents } from '../events/catalogue.js';
import type { NodeTree } from './nodes.js';
import type { StorageDeps } from './service.js';
import type { Versions } from './versions.js';

/** PARITY: agent guide v2.6 "Notes vs Files": note routes on a file answer `Node is not a note` (error 153548). */
export const NOT_A_NOTE_CODE = 153_548;

export interface NoteUpdate {
  name?: string | undefined;
  content?: string | undefined;
  ifVersionId?: string | undefined;
}

export class Notes {
  constructor(
    private readonly d: Pick<StorageDeps, 'audit' | 'jobs' | 'db'>,
    private readonly nodes: NodeTree,
    private readonly versions: Versions,
  ) {}

  createNote(user: User, scope: WorkspaceScope, parentRef: string, name: string, content: string): StorageNode {
    // A stored note is ingested in the background: admitted only while the job queue has room.
    this.d.jobs.admit();
    const parentId = this.nodes.folder(scope, parentRef);
    return this.versions.storeVersion(user, scope.workspace, scope.org, {
      parentId,
      name,
      bytes: Buffer.from(content, 'utf8'),
      type: 'note',
      via: 'createnote',
    });
  }

  /**
   * A note of this workspace. PARITY: the sources disagree on a file or folder here. The agent
   * guide v2.6 names error 153548 ("Node is not a note"); the official client (96b1551
   * commands/view.rs is_not_a_note, citing the REST docs storage.txt:753-758) reads HTTP 400 with
   * code 1605 and the text "Node is not a note", and only then falls back to `read/` for a `.md`
   * file. CHOICE: both: 400/1605 with that text, and the guide's 153548 as the code of the
   * `node_id` row of `params[]`, so `fastio view` works on an uploaded `.md` and 153548 is there.
   */
  note(scope: WorkspaceScope, id: string): StorageNode {
    const node = this.nodes.node(scope, id);
    if (node.type !== 'note') {
      throw new ApiError(400, Codes.invalidInput, 'Node is not a note.', {
        params: [{ name: 'node_id', kind: 'invalid', code: NOT_A_NOTE_CODE, message: 'Node is not a note.' }],
      });
    }
    return node;
  }

  /**
   * `readnote`: the markdown and the node. PARITY: official client src/api/workspace.rs read_note
   * (`{content, note}`; `version_id` reads a version; one of another node answers 400/1605
   * "Version does not belong to this note"). CHOICE: not charged as bandwidth (a JSON read of at
   * most 100 KB, like details).
   */
  readNote(scope: WorkspaceScope, id: string, versionId: string | undefined): { content: string; note: StorageNode } {
    const note = this.note(scope, id);
    const version = versionId ? this.versions.version(note, versionId) : { blobId: note.blobId, current: true };
    if (!version) throw Errors.invalidField('version_id', 'Version does not belong to this note.');
    return { content: this.versions.bytesOf(version).toString('utf8'), note };
  }

  /**
   * `updatenote`: a new name, new content (a new version; the previous one is kept), or both.
   * PARITY: official client src/api/workspace.rs update_note: form fields, at least one of
   * `name`/`content`; `if_version_id` is a compare-and-swap precondition answering 409/1660.
   * CHOICE: the 409 names the current version in its text and `hint` (the client's
   * `error.params.current` is not reproduced); a rename alone records
   * `workspace_storage_file_updated`.
   */
  updateNote(user: User, scope: WorkspaceScope, id: string, input: NoteUpdate): StorageNode {
    const note = this.note(scope, id);
    if (input.name === undefined && input.content === undefined) {
      throw Errors.badRequest('Send `name`, `content`, or both.');
    }
    if (input.ifVersionId !== undefined && input.ifVersionId !== note.versionId) {
      throw new ApiError(409, Codes.conflict, `The note changed: its current version is ${note.versionId ?? 'none'}, not ${input.ifVersionId}.`, {
        hint: `Read the note again (readnote/) and retry with if_version_id=${note.versionId ?? ''}.`,
      });
    }
    const name = input.name ?? note.name;
    if (input.content !== undefined) {
      this.d.jobs.admit();
      return this.versions.storeVersion(user, scope.workspace, scope.org, {
        parentId: note.parentId,
        name,
        bytes: Buffer.from(input.content, 'utf8'),
        type: 'note',
        replace: note,
        via: 'updatenote',
      });
    }
    if (name === note.name) return note;
    const clash = this.nodes.childNamed(note.workspaceId, note.parentId, name);
    if (clash) throw Errors.conflict(`A ${clash.type} named "${name}" already exists in this folder.`);
    const renamed = this.d.db.nodes.update(note.id, { name });
    this.d.audit.record(
      AuditEvents.storageFileUpdated({ orgId: scope.org.id, workspaceId: note.workspaceId }, user.id, renamed, { name, previous_name: note.name }),
    );
    return renamed;
  }
}

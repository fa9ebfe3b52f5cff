/**
 * File locks: one exclusive lock per file or note, held by one user for a duration on the emulator
 * clock. While a lock is live, writes by anyone else to that node (a new version, rename, move,
 * trash, purge, transfer, version restore) are refused; the holder writes as usual.
 *
 * PARITY: official client src/api/locking.rs and src/api/storage.rs lock_* (96b1551): acquire is
 * `POST .../lock/` with optional `duration` (60-3600 s) and `client_info` (a JSON object); status is
 * `GET .../lock/`; release is `DELETE .../lock/` with `lock_token` in the body; heartbeat is
 * `POST .../lock/heartbeat/` with `lock_token`. The response fields are not in the sources (the
 * client renders them as they come): CHOICE, `lock: {locked, node_id, holder, acquired, expires,
 * duration, client_info}` with `lock_token` only in the holder's acquire and heartbeat answers.
 *
 * CHOICE: locks live in the instance, not in the state document (they last minutes; an import or a
 * restart releases them), like download tokens.
 */
import { randomBytes } from 'node:crypto';
import { AuditEvents } from '../events/catalogue.js';
import { ApiError, Codes, Errors } from '../http/errors.js';
import type { StorageNode, User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { NodeTree } from './nodes.js';
import type { StorageDeps } from './service.js';

/** PARITY: official client src/api/storage.rs lock_acquire_form: "duration (60-3600 s)". CHOICE: 300 when absent. */
export const LOCK_MIN_SECONDS = 60;
export const LOCK_MAX_SECONDS = 3600;
export const LOCK_DEFAULT_SECONDS = 300;

export interface FileLock {
  nodeId: string;
  token: string;
  userId: string;
  acquired: number;
  expires: number;
  /** seconds; a heartbeat extends the lock by this much from now */
  duration: number;
  clientInfo: Record<string, unknown> | null;
}

export class Locks {
  private readonly held = new Map<string, FileLock>();

  constructor(
    private readonly d: Pick<StorageDeps, 'now' | 'audit'>,
    private readonly tree: NodeTree,
  ) {}

  /** The live lock on a node, if any (an expired one is dropped here: expiry is lazy, on the emulator clock). */
  current(nodeId: string): FileLock | undefined {
    const lock = this.held.get(nodeId);
    if (lock && lock.expires <= this.d.now()) {
      this.held.delete(nodeId);
      return undefined;
    }
    return lock;
  }

  /**
   * Refuse a write to `nodes` by `user` when another user holds a lock on any of them.
   * PARITY: CHOICE (no code in the sources): 409/1660 "locked", the holder's id is not shown.
   */
  assertWritable(user: User, nodes: readonly StorageNode[]): void {
    for (const node of nodes) {
      const lock = this.current(node.id);
      if (lock && lock.userId !== user.id) throw Errors.conflict(`"${node.name}" is locked by another user until ${new Date(lock.expires).toISOString()}.`);
    }
  }

  /**
   * Take the lock. CHOICE: the holder acquiring again renews it (same token, new duration);
   * another user's live lock answers 409/1660; a folder answers 400/1605 (files and notes lock).
   */
  acquire(user: User, scope: WorkspaceScope, nodeId: string, duration: number | undefined, clientInfo: Record<string, unknown> | undefined): FileLock {
    const node = this.tree.file(scope, nodeId);
    const seconds = duration ?? LOCK_DEFAULT_SECONDS;
    const now = this.d.now();
    const existing = this.current(node.id);
    if (existing && existing.userId !== user.id) throw Errors.conflict(`"${node.name}" is already locked by another user.`);
    const lock: FileLock = {
      nodeId: node.id,
      token: existing?.token ?? randomBytes(24).toString('hex'),
      userId: user.id,
      acquired: existing?.acquired ?? now,
      expires: now + seconds * 1000,
      duration: seconds,
      clientInfo: clientInfo ?? existing?.clientInfo ?? null,
    };
    this.held.set(node.id, lock);
    this.d.audit.record(
      AuditEvents.storageLockAcquired({ orgId: scope.org.id, workspaceId: node.workspaceId }, user.id, node, {
        name: node.name,
        duration: seconds,
        renewed: Boolean(existing),
      }),
    );
    return lock;
  }

  status(scope: WorkspaceScope, nodeId: string): { node: StorageNode; lock: FileLock | undefined } {
    const node = this.tree.file(scope, nodeId);
    return { node, lock: this.current(node.id) };
  }

  /** Extend the lock by its duration from now. A token that is not the live lock's answers 400/1605 naming `lock_token`. */
  heartbeat(user: User, scope: WorkspaceScope, nodeId: string, token: string): FileLock {
    const node = this.tree.file(scope, nodeId);
    const lock = this.owned(user, node, token);
    const renewed = { ...lock, expires: this.d.now() + lock.duration * 1000 };
    this.held.set(node.id, renewed);
    return renewed;
  }

  release(user: User, scope: WorkspaceScope, nodeId: string, token: string): void {
    const node = this.tree.file(scope, nodeId);
    this.owned(user, node, token);
    this.held.delete(node.id);
    this.d.audit.record(AuditEvents.storageLockReleased({ orgId: scope.org.id, workspaceId: node.workspaceId }, user.id, node, { name: node.name }));
  }

  /** A node left its workspace or the tree: its lock goes with it. */
  drop(nodeIds: Iterable<string>): void {
    for (const id of nodeIds) this.held.delete(id);
  }

  /** After the state is replaced: every lock is released. */
  clear(): void {
    this.held.clear();
  }

  /**
   * PARITY: CHOICE. No live lock answers 404/1609 ("lock"); a token that is not this lock's, or a
   * lock of another user, answers 400/1605 naming `lock_token` (the token proves ownership).
   */
  private owned(user: User, node: StorageNode, token: string): FileLock {
    const lock = this.current(node.id);
    if (!lock) throw Errors.notFound('lock');
    if (lock.token !== token || lock.userId !== user.id) {
      throw new ApiError(400, Codes.invalidInput, 'The lock token does not match the lock on this file.', {
        params: [{ name: 'lock_token', kind: 'invalid', code: Codes.invalidInput, message: 'Not the token of the lock on this file.' }],
      });
    }
    return lock;
  }
}

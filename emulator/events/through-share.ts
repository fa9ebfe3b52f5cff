/**
 * Writes made through a share (issue 17): the workspace events they cause carry the share's id.
 * A share storage route (or a share upload) runs its work inside `throughShare(ref, ...)`; the
 * audit log (audit.ts) gives an event without a share the id of that share when the event is of
 * the share's own workspace. AsyncLocalStorage, so concurrent requests never see each other's share.
 *
 * PARITY: CHOICE. The live API documents `share_id` on events without saying which; the emulator
 * puts it on every event of a write made through a share (files added, updated, uploads, locks),
 * so the share's members find them by `share_id`, and the workspace's members still see them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** Run `fn` as a write through the share `ref` (its id or custom name); no ref: as is. */
export function throughShare<T>(ref: string | null | undefined, fn: () => T): T {
  return ref ? current.run(ref, fn) : fn();
}

/** The share ref the running write goes through, if any. */
export function currentShareRef(): string | undefined {
  return current.getStore();
}

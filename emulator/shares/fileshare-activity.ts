/**
 * A fileshare as an entity of the activity long-poll (V2, issue 17): `GET
 * /current/activity/poll/{fileshare_id}/` answers the keys that changed for it. The keys
 * (activity/keys.ts): `fileshare` when it is created, updated or deleted, `grants` when a grant is
 * added or removed, and `storage:{node_id}` whenever its bound file changes (a new version, by a
 * write-back or any other upload; a rename; a restore).
 *
 * PARITY: 96b1551 src/bin/fastio/commands/fileshare.rs `Activity` ("Activity is members-only per
 * spec", the help text "workspace members only"; the generic event::poll_activity with the
 * fileshare id and the account token, no link password): its managers poll it, as they mint its
 * realtime token (fileshare-preview-routes.ts ws-token), through FileshareAccess.manage; a
 * recipient 403/1680, a stranger to a named-people fileshare 401/115069, a deleted one 404/1609.
 * The keys are CHOICE, named as the documented `storage:{node_id}`. April has no fileshares: not
 * followed there, a fileshare id answers as an unknown entity (404/1609).
 */
import type { Emulator } from '../emulator.js';

export const FILESHARE_ACTIVITY_CHOICES = [
  "a fileshare id is an entity too (V2), watched by its managers (the workspace's owners, admins, members; the client's 'workspace members only'): a grant holder or link recipient 403/1680, a stranger to a named-people fileshare 401/115069, a deleted one 404/1609",
  'a fileshare hears `fileshare` (created, updated, deleted), `grants`, and `storage:{node_id}` for every change of its bound file (the WebSocket pushes them to its managers too)',
];

/** Follow fileshares in the activity poll and the WebSocket (V2 only). */
export function followFileshareActivity(emu: Emulator): void {
  if (emu.config.apiDialect !== 'v2') return;
  emu.activity.follow({
    owns: (id) => emu.db.fileshares.get(id)?.kind === 'fileshare',
    authorize: (caller, id) => void emu.fileshares.access.manage(caller, id, 'workspace.storage.read'),
    alsoHearing: (event, touch) => {
      // A fileshare's own events name it (activity/keys.ts `fileshare`); the others reach it through its file.
      if (event.event.startsWith('fileshare_') || !touch.key.startsWith('storage:')) return [];
      const nodeId = touch.key.slice('storage:'.length);
      return emu.db.fileshares
        .find('node', nodeId)
        .filter((f) => f.kind === 'fileshare' && !f.deleted)
        .map((f) => f.id);
    },
  });
}

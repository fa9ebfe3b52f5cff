import { formatTime } from '../http/format.js';
import { JsonFields } from '../http/route.js';
import type { Pagination } from '../http/schema.js';
import type { Workspace, WorkspaceRole } from '../store/model.js';

export function workspaceJson(ws: Workspace, role?: WorkspaceRole): Record<string, unknown> {
  return {
    id: ws.id,
    org_id: ws.orgId,
    folder_name: ws.folderName,
    name: ws.name,
    description: ws.description,
    perm_join: ws.permJoin,
    perm_member_manage: ws.permMemberManage,
    intelligence: ws.intelligence,
    archived: ws.archived,
    ...(role ? { permissions: role } : {}),
    ...ws.extra,
    created: formatTime(ws.created),
    updated: formatTime(ws.updated),
  };
}

/** A row's wire texts, one per role it was rendered with (`none`: without `permissions`). */
type TextsByRole = Partial<Record<WorkspaceRole | 'none', string>>;

/**
 * Wire texts by row. The store never changes a row in place (an update puts a new object in its
 * place, see store/table.ts), so a row's text stays right for as long as the row is alive, and an
 * updated workspace is a new key; the old row and its texts go with the garbage. Memory: a row
 * that was listed carries its text (a few hundred bytes a role) while it is the current row.
 */
const textsByRow = new WeakMap<Workspace, TextsByRole>();

/**
 * `JSON.stringify(workspaceJson(ws, role))`, made once per row and role. Serialising the page was
 * most of a workspace list's own cost (in the profile of the 10-workspace list, about 1-2 µs per
 * workspace, twice the rest of the handler); a list now joins texts it already has.
 */
export function workspaceJsonText(ws: Workspace, role?: WorkspaceRole): string {
  let texts = textsByRow.get(ws);
  if (texts === undefined) textsByRow.set(ws, (texts = {}));
  return (texts[role ?? 'none'] ??= JSON.stringify(workspaceJson(ws, role)));
}

/**
 * A page of workspaces as the list routes answer it, `{"workspaces": [...], "pagination": {...}}`,
 * with each workspace as `workspaceJson` renders it under the caller's role: the same text as
 * serialising that object, built from each row's kept text.
 */
export function workspaceListJson(page: readonly Workspace[], roleOf: (ws: Workspace) => WorkspaceRole | undefined, pagination: Pagination): JsonFields {
  let items = '';
  for (let i = 0; i < page.length; i++) {
    const ws = page[i]!;
    items += i === 0 ? workspaceJsonText(ws, roleOf(ws)) : `,${workspaceJsonText(ws, roleOf(ws))}`;
  }
  return new JsonFields(`{"workspaces":[${items}],"pagination":${JSON.stringify(pagination)}}`);
}

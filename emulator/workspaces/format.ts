import { formatTime } from '../http/format.js';
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

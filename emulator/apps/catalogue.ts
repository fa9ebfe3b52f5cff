/**
 * The apps (interactive UI widgets, "MCP Apps") the emulator lists. PARITY: the official client
 * 96b1551 src/api/apps.rs calls `GET /apps/list/`, `GET /apps/{app_id}/details/`,
 * `GET /apps/tool/{tool_name}/` (the apps of one MCP tool; the tool names are the client's own,
 * src/bin/fastio/mcp/tools.rs) and `POST /apps/{app_id}/launch/` with `context_type`
 * (workspace or share) and `context_id`; it renders every answer as it comes and reads no field.
 *
 * CHOICE: the sources name no app, so the catalogue below is the emulator's own: one app per
 * kind of screen an agent's user would want beside the MCP tools the client has (files, previews
 * with comments, uploads, shares, the AI assistant, the activity feed), ids in kebab case, the
 * MCP Apps resource form (`ui://` URI, `text/html;profile=mcp-app`). Versioned with
 * APPS_CATALOGUE_VERSION; changing an entry is a new version.
 */

export const APPS_CATALOGUE_VERSION = '2026.12.1';

/** The MCP tool names of the official client 96b1551 (src/bin/fastio/mcp/tools.rs ToolDef names). */
export const CLIENT_TOOL_NAMES = [
  'auth',
  'user',
  'org',
  'workspace',
  'files',
  'upload',
  'download',
  'share',
  'ripley',
  'member',
  'comment',
  'event',
  'dashboard',
  'invitation',
  'preview',
  'asset',
  'apps',
  'import',
  'lock',
  'metadata',
  'sign',
  'fileshare',
  'system',
  'id',
  'howto',
] as const;
export type ClientToolName = (typeof CLIENT_TOOL_NAMES)[number];

export type AppContextType = 'workspace' | 'share';

export interface AppEntry {
  id: string;
  name: string;
  description: string;
  /** the MCP tools whose results this app shows */
  tools: readonly ClientToolName[];
  /** where it may be launched */
  contextTypes: readonly AppContextType[];
}

export const APPS: readonly AppEntry[] = [
  {
    id: 'file-browser',
    name: 'File browser',
    description: 'Browse the folders and files of a workspace or share, open one, download it.',
    tools: ['files', 'download', 'lock'],
    contextTypes: ['workspace', 'share'],
  },
  {
    id: 'file-preview',
    name: 'File preview',
    description: 'Show one file with its comment thread, anchored comments marked on the page, image or timeline.',
    tools: ['preview', 'comment'],
    contextTypes: ['workspace', 'share'],
  },
  {
    id: 'upload-manager',
    name: 'Upload manager',
    description: 'Follow upload sessions of the signed-in user: progress, completion, failures.',
    tools: ['upload'],
    contextTypes: ['workspace', 'share'],
  },
  {
    id: 'share-builder',
    name: 'Share builder',
    description: 'Create a share of a workspace and set who may open it, with a link to send.',
    tools: ['share', 'fileshare'],
    contextTypes: ['workspace'],
  },
  {
    id: 'ai-assistant',
    name: 'AI assistant',
    description: 'Ask questions about the files of a workspace or share and read the answers with their citations.',
    tools: ['ripley'],
    contextTypes: ['workspace', 'share'],
  },
  {
    id: 'activity-feed',
    name: 'Activity feed',
    description: 'The recent events of a workspace (uploads, comments, members) and its dashboard cards.',
    tools: ['event', 'dashboard'],
    contextTypes: ['workspace'],
  },
];

export function appById(id: string): AppEntry | undefined {
  return APPS.find((a) => a.id === id.toLowerCase());
}

export const appResourceUri = (app: AppEntry) => `ui://fastio/${app.id}`;
export const APP_MIME_TYPE = 'text/html;profile=mcp-app';

export function appJson(app: AppEntry): Record<string, unknown> {
  return {
    id: app.id,
    name: app.name,
    description: app.description,
    version: APPS_CATALOGUE_VERSION,
    tools: app.tools,
    context_types: app.contextTypes,
    resource_uri: appResourceUri(app),
    mime_type: APP_MIME_TYPE,
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The launched widget. CHOICE: live answers Fast.io's own UI bundle; offline the emulator answers a
 * small self-contained page (no scripts, nothing fetched) that names the app and the context, so a
 * host that renders MCP Apps shows something true rather than a copy of a product it cannot serve.
 */
export function launchHtml(app: AppEntry, contextType: AppContextType, contextId: string, contextName: string): string {
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(app.name)}</title></head>`,
    `<body data-app="${escapeHtml(app.id)}" data-context-type="${contextType}" data-context-id="${escapeHtml(contextId)}">`,
    `<h1>${escapeHtml(app.name)}</h1>`,
    `<p>${escapeHtml(app.description)}</p>`,
    `<p>${contextType === 'workspace' ? 'Workspace' : 'Share'}: ${escapeHtml(contextName)}</p>`,
    '<p>Served by the fastio-emulator: a placeholder for the live widget.</p>',
    '</body></html>',
  ].join('\n');
}

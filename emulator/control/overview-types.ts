/**
 * The shape of `GET /_emulator/overview`, shared by the server (control/overview.ts builds it) and
 * the dashboard (emulator/ui/ reads it). Types only: the dashboard's bundle imports nothing else
 * from the server.
 */
export interface OverviewPerson {
  user_id: string | null;
  email: string | null;
  name: string | null;
  account_type: string | null;
  role: string;
  status: string;
}

export interface OverviewFile {
  id: string;
  name: string;
  type: string;
  size: number;
  mimetype: string | null;
  ai: { state: string; reason: string | null; pages: number | null };
  updated: string | null;
}

export interface OverviewWorkspace {
  id: string;
  folder_name: string;
  name: string;
  intelligence: boolean;
  archived: boolean;
  created: string | null;
  members: OverviewPerson[];
  /** every live file and note of the workspace; `files` shows the newest of them */
  files_total: number;
  files: OverviewFile[];
  /** AI state -> number of files in it */
  ai_states: Record<string, number>;
  chats: number;
  /** the workspace's live shares, oldest first */
  shares: OverviewShare[];
}

export interface OverviewShare {
  id: string;
  custom_name: string;
  title: string;
  share_type: string;
  access_options: string;
  archived: boolean;
  password_protected: boolean;
  members: number;
}

export interface OverviewCredits {
  used: number | null;
  /** null: unlimited */
  limit: number | null;
  period_start?: string | null;
  period_end?: string | null;
  /** credits used this period per ledger kind */
  by_kind?: Record<string, number>;
  error?: string;
}

export interface OverviewOrg {
  id: string;
  domain: string;
  name: string;
  plan: string;
  plan_name: string;
  created: string | null;
  transfer_pending: boolean;
  credits: OverviewCredits;
  members: OverviewPerson[];
  workspaces: OverviewWorkspace[];
}

export interface OverviewEvent {
  id: string;
  event: string;
  category: string;
  subcategory: string;
  org_id: string | null;
  workspace_id: string | null;
  user_id: string | null;
  object_id: string | null;
  created: string | null;
}

export interface OverviewRequest {
  seq: number;
  method: string;
  path: string;
  status: number;
  latency_ms: number;
  user_id: string | null;
  org_id: string | null;
  workspace_id: string | null;
  faults: string[];
  time: string | null;
  /** `tool.action` when an MCP tool call made the request (emulator/mcp/), else null */
  mcp: string | null;
}

/** A fault rule's wire form (`GET /_emulator/faults`, and the dashboard's panel). */
export interface OverviewFault {
  id: string;
  method: string | null;
  path: string | null;
  org_id: string | null;
  /** the MCP tool (`upload`) or tool.action it targets (emulator/mcp/), else null */
  tool?: string | null;
  probability: number;
  status: number | null;
  code: number | null;
  text: string | null;
  delay_ms: number | null;
  jitter_ms: number | null;
  times: number | null;
  hits: number;
  remaining: number | null;
  active: boolean;
  created: string;
}

/** A type alias, not an interface: a handler result must be assignable to a plain record. */
export type Overview = {
  /** changes whenever anything shown changes (except the running clock) */
  hash: string;
  version: string;
  /** the API dialect the emulator serves (`--api-dialect`) */
  api_dialect: string;
  clock: { now: string; offset_ms: number };
  totals: { users: number; orgs: number; workspaces: number; files: number; events: number; ledger_entries: number };
  /** orgs matching the filter; `orgs` holds the newest of them */
  orgs_total: number;
  orgs: OverviewOrg[];
  /** newest first */
  events: OverviewEvent[];
  /** newest first, without the control plane's own requests */
  requests: OverviewRequest[];
  faults: OverviewFault[];
};

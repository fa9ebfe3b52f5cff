/** Input schemas of the imports area (paths, bodies and queries as official client src/api/import.rs sends them). */
import { z } from 'zod';
import { lazy, paginationQuery, text } from '../http/schema.js';
import { opaqueId } from '../storage/schema.js';
import { PROVIDER_NAMES } from './providers.js';

const importId = (what: string) => opaqueId('a', what);

/** A workspace by id or folder name, as the workspace routes take it. */
const workspaceRef = () => z.string().min(1).max(100);
export const workspaceParams = lazy(() => z.object({ workspace_id: workspaceRef() }));
export const identityParams = lazy(() => z.object({ workspace_id: workspaceRef(), identity_id: importId('an identity id') }));
export const sourceParams = lazy(() => z.object({ source_id: importId('a source id') }));
export const jobParams = lazy(() => z.object({ source_id: importId('a source id'), job_id: importId('a job id') }));
export const writebackParams = lazy(() => z.object({ source_id: importId('a source id'), writeback_id: importId('a write-back id') }));
export const pushParams = lazy(() => z.object({ source_id: importId('a source id'), node_id: opaqueId('2', 'a node id') }));

export const pageQuery = lazy(() => z.object({ ...paginationQuery }));
export const SOURCE_STATUSES = ['pending', 'syncing', 'synced', 'paused', 'error', 'disconnected'] as const;
export const WRITEBACK_STATUSES = ['pending', 'completed', 'conflict', 'failed', 'cancelled'] as const;
export const sourceListQuery = lazy(() => z.object({ status: z.enum(SOURCE_STATUSES).optional(), ...paginationQuery }));
export const writebackListQuery = lazy(() => z.object({ status: z.enum(WRITEBACK_STATUSES).optional(), ...paginationQuery }));

export const provisionBody = lazy(() => z.object({ provider: z.enum(PROVIDER_NAMES, { message: `Expected one of: ${PROVIDER_NAMES.join(', ')}.` }) }));
export const discoverBody = lazy(() => z.object({ identity_id: importId('an identity id') }));

/**
 * PARITY: the client's doc comments disagree: src/api/import.rs says `read` or `readwrite`,
 * cli.rs says `read_only` or `read_write`. CHOICE: both accepted, answered as `read_only`/`read_write`.
 */
const accessMode = () =>
  z
    .enum(['read', 'readwrite', 'read_only', 'read_write'])
    .transform((v) => (v === 'read' || v === 'read_only' ? 'read_only' : 'read_write') as 'read_only' | 'read_write');
/** PARITY: cli.rs CreateSource "Sync interval in seconds (300-86400)". */
const syncInterval = () => z.number().int().min(300).max(86_400);

export const createSourceBody = lazy(() =>
  z.object({
    identity_id: importId('an identity id'),
    remote_path: z.string().min(1).max(1024),
    remote_name: text({ min: 1, max: 255 }).optional(),
    sync_interval: syncInterval().optional(),
    access_mode: accessMode().optional(),
  }),
);

/** PARITY: src/api/import.rs update_source: `action` pause|resume (the client maps --status paused|synced). */
export const updateSourceBody = lazy(() =>
  z.object({
    sync_interval: syncInterval().optional(),
    remote_name: text({ min: 1, max: 255 }).optional(),
    access_mode: accessMode().optional(),
    action: z.enum(['pause', 'resume']).optional(),
  }),
);

/** PARITY: cli.rs Disconnect `--action keep|delete`. */
export const disconnectBody = lazy(() => z.object({ action: z.enum(['keep', 'delete']) }));
/** PARITY: cli.rs ResolveConflict "Resolution: keep_local or keep_remote". */
export const resolveBody = lazy(() => z.object({ resolution: z.enum(['keep_local', 'keep_remote']) }));

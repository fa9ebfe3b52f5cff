/**
 * The workspace import switch, providers, identities and sources (HTTP only; rules in
 * service.ts). PARITY: official client 96b1551 and 41dde01 src/api/import.rs (paths, bodies,
 * query), commands/import.rs, cli.rs ImportCommands; src/api/workspace.rs enable_import and
 * disable_import. The dialects do not differ here (`git diff 41dde01 96b1551 -- src/api/import.rs` is empty).
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { identityJson, jobJson, sourceJson } from './format.js';
import { PROVIDERS, providerJson } from './providers.js';
import {
  createSourceBody,
  disconnectBody,
  discoverBody,
  identityParams,
  pageQuery,
  provisionBody,
  sourceListQuery,
  sourceParams,
  updateSourceBody,
  workspaceParams,
} from './schema.js';

export const SOURCE = 'official client 96b1551 and 41dde01 src/api/import.rs, commands/import.rs, cli.rs ImportCommands';
export const SHAPE = 'answers are CHOICE (the client renders them as they come): the object under its name, lists with `pagination`';
const SWITCH = 'official client 96b1551 and 41dde01 src/api/workspace.rs enable_import, disable_import; mcp/tools.rs workspace enable-import';
const SWITCH_CHOICE =
  'imports are enabled on a workspace until disabled; admins switch them; while disabled every import change but pause, disconnect and delete answers 403/1680';

export const sourceRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/import/enable/',
    area: 'imports',
    summary: 'Enable cloud imports on a workspace',
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.update' },
    parity: { status: 'implemented', source: SWITCH, choices: [SWITCH_CHOICE, '`{workspace_id, import_enabled}` answered'] },
    handler: (ctx, { scope }, emu) => ({ workspace_id: scope.workspace.id, import_enabled: emu.imports.setEnabled(callerOf(ctx).user, scope, true) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/import/disable/',
    area: 'imports',
    summary: 'Disable cloud imports on a workspace (sources stay; changes are refused)',
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.update' },
    parity: { status: 'implemented', source: SWITCH, choices: [SWITCH_CHOICE, '`{workspace_id, import_enabled}` answered'] },
    handler: (ctx, { scope }, emu) => ({ workspace_id: scope.workspace.id, import_enabled: emu.imports.setEnabled(callerOf(ctx).user, scope, false) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/imports/workspace/:workspace_id/providers/',
    area: 'imports',
    summary: 'The cloud providers, and which the emulator can connect (its own `emulator` drive)',
    params: workspaceParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'partial',
      source: `${SOURCE} (provider names from cli.rs ProvisionIdentity)`,
      choices: [SHAPE, "the `emulator` provider is the emulator's own; the live providers are listed with available=false and the reason"],
    },
    handler: (_ctx, { scope }, emu) => ({ providers: PROVIDERS.map(providerJson), import_enabled: emu.imports.enabled(scope.workspace.id) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/imports/workspace/:workspace_id/identities/',
    area: 'imports',
    summary: 'The provider identities of a workspace',
    params: workspaceParams,
    query: pageQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, 'oldest first; revoked identities stay listed'] },
    handler: (_ctx, { scope, query }, emu) => {
      const { page, pagination } = emu.imports.identities(scope, query.limit, query.offset);
      return { identities: page.map(identityJson), pagination };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/workspace/:workspace_id/identities/provision/',
    area: 'imports',
    summary: 'Provision a provider identity: the `emulator` provider at once; a live provider answers 501 naming it',
    params: workspaceParams,
    body: provisionBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'partial',
      source: SOURCE,
      choices: [SHAPE, 'google_drive, box, onedrive_business and dropbox answer 501/1501 naming the provider (their OAuth cannot happen offline)'],
      divergences: [{ path: 'identity', reason: "live provisioning goes through the provider's OAuth consent; the emulator provider needs none" }],
    },
    handler: (ctx, { scope, body }, emu) => ({ identity: identityJson(emu.imports.provision(callerOf(ctx).user, scope, body.provider)) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/imports/workspace/:workspace_id/identities/:identity_id/',
    area: 'imports',
    summary: 'One provider identity',
    params: identityParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, 'an identity of another workspace answers 404/1609'] },
    handler: (_ctx, { scope, params }, emu) => ({ identity: identityJson(emu.imports.identity(scope, params.identity_id)) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/workspace/:workspace_id/identities/:identity_id/revoke/',
    area: 'imports',
    summary: 'Revoke a provider identity (its sources stop, status error)',
    params: identityParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [SHAPE, 'revoking twice answers the revoked identity', 'sources of a revoked identity go to status error, their files kept'],
    },
    handler: (ctx, { scope, params }, emu) => ({ identity: identityJson(emu.imports.revoke(callerOf(ctx).user, scope, params.identity_id)) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/imports/workspace/:workspace_id/sources/',
    area: 'imports',
    summary: 'The import sources of a workspace (filter by status)',
    params: workspaceParams,
    query: sourceListQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, 'statuses: pending, syncing, synced, paused, error, disconnected'] },
    handler: (_ctx, { scope, query }, emu) => {
      const { page, pagination } = emu.imports.sources(scope, query.status, query.limit, query.offset);
      return { sources: page.map(sourceJson), pagination };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/workspace/:workspace_id/sources/discover/',
    area: 'imports',
    summary: "The folders of an identity's drive that can be imported",
    params: workspaceParams,
    body: discoverBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, 'the drive root `/` and its top folders, with file counts and sizes'] },
    handler: (_ctx, { scope, body }, emu) => {
      const { identity, folders } = emu.imports.discover(scope, body.identity_id);
      return { identity_id: identity.id, provider: identity.provider, folders };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/workspace/:workspace_id/sources/create/',
    area: 'imports',
    summary: 'Create an import source over a remote folder; its first import job is queued',
    params: workspaceParams,
    body: createSourceBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        SHAPE,
        'the files go to a new folder at the workspace root named remote_name (default: the remote folder name)',
        'access_mode read|read_only|readwrite|read_write (the client names both pairs), default read_only; sync_interval 300-86400, default 3600',
        'a second source of the same identity and remote path answers 409/1660',
      ],
    },
    handler: (ctx, { scope, body }, emu) => {
      const { source, job } = emu.imports.create(callerOf(ctx), scope, body);
      return { source: sourceJson(source), job: jobJson(job) };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/imports/details/:source_id/',
    area: 'imports',
    summary: 'One import source',
    params: sourceParams,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, "another tenant's source answers 401/10545 like its workspace"] },
    handler: (ctx, { params }, emu) => ({ source: sourceJson(emu.imports.source(callerOf(ctx), params.source_id, 'read').source) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/details/:source_id/update/',
    area: 'imports',
    summary: 'Update a source: sync interval, display name, access mode, pause or resume',
    params: sourceParams,
    body: updateSourceBody,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [SHAPE, 'remote_name renames the display name only, not the folder', 'resume answers status synced (pending if never synced)'],
    },
    handler: (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      const { source } = emu.imports.source(caller, params.source_id, 'write');
      return { source: sourceJson(emu.imports.update(caller.user, source, body)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/details/:source_id/refresh/',
    area: 'imports',
    summary: 'Sync a source now: a refresh import job',
    params: sourceParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [SHAPE, 'a job already queued or running is answered instead of a new one', 'a paused or disconnected source answers 409/1660'],
    },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      const { source } = emu.imports.source(caller, params.source_id, 'write');
      const out = emu.imports.refresh(caller.user, source);
      return { source: sourceJson(out.source), job: jobJson(out.job) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/details/:source_id/disconnect/',
    area: 'imports',
    summary: 'Disconnect a source, keeping its files (`keep`) or trashing them (`delete`)',
    params: sourceParams,
    body: disconnectBody,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, 'delete moves the source folder to the trash', 'pending write-backs are cancelled'] },
    handler: (ctx, { params, body }, emu) => {
      const caller = callerOf(ctx);
      const { source, scope } = emu.imports.source(caller, params.source_id, 'write');
      return { source: sourceJson(emu.imports.disconnect(caller.user, scope, source, body.action)) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/imports/details/:source_id/delete/',
    area: 'imports',
    summary: 'Delete a source with its jobs and write-backs (the imported files stay)',
    params: sourceParams,
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE, 'the imported files stay in the workspace'] },
    handler: (ctx, { params }, emu) => {
      const caller = callerOf(ctx);
      const { source } = emu.imports.source(caller, params.source_id, 'write');
      emu.imports.delete(caller.user, source);
      return { source_id: source.id, deleted: true };
    },
  }),
];

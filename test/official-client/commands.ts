/**
 * The official Fast.io CLI (MediaFire/fastio_cli v0.2.13 at 96b1551, the V2 dialect) as a contract
 * target: every command of the groups that touch what the emulator serves, with the API routes it
 * calls (METHOD + path template, from `RUST_LOG=fastio_cli=trace` runs and src/api/*.rs) and what
 * the emulator is expected to do with it.
 *
 * - `pass`: the routes are served; official-client.test.ts runs the command and requires exit 0
 *   and the JSON it prints to say what happened.
 * - `unserved`: at least one route is not served (the table test checks that against the router, so
 *   a route that becomes served moves its command to `pass`); the command is run and must fail
 *   with 404, 405 or 501.
 * - `gap`: the routes are served but the command needs a part of them the emulator has not built.
 * - `client-bug`: the client itself is wrong; the reason says how.
 *
 * `args` (unserved, gap and client-bug rows) is the command line after the command, with
 * placeholders the test fills: {ws} {org} {node} {md} {folder} {user} {email} {share} {tmpfile} {chat}. A row
 * per leaf command of every group the emulator touches; groups it has nothing of are UNSERVED_GROUPS.
 */
export type Expectation = 'pass' | 'unserved' | 'gap' | 'client-bug';

export interface CommandRow {
  command: string;
  routes: string[];
  expect: Expectation;
  args?: string;
  reason?: string;
  /** the status the emulator answers now, when it is not 404, 405 or 501 (said why in `reason`) */
  answers?: number;
  /** the client gives up before any answer tells: what it prints instead */
  failsWith?: string;
}

const pass = (command: string, ...routes: string[]): CommandRow => ({ command, routes, expect: 'pass' });
const _unserved = (command: string, args: string, ...routes: string[]): CommandRow => ({ command, routes, expect: 'unserved', args });
const gap = (command: string, args: string, answers: number, reason: string, ...routes: string[]): CommandRow => ({
  command,
  routes,
  expect: 'gap',
  args,
  answers,
  reason,
});
const clientBug = (command: string, args: string, answers: number, reason: string, ...routes: string[]): CommandRow => ({
  command,
  routes,
  expect: 'client-bug',
  args,
  answers,
  reason,
});

/** src/bin/fastio/commands/user.rs:327-331, :345-349, :494-498, :509-513 */
const ME_LOOKUP =
  "the client reads `id` (or `profile_id`) at the top level of GET /current/user/me/details/, where the emulator answers the profile under `user` (API notes; the client's own src/api/fileshare.rs:868 reads user lookups the same way), so it stops before the asset route (served, and run over HTTP in assets5-scenario.ts). UNVERIFIED: if the live API answers `id` at the top level there, this is the emulator's bug";
const meLookupBug = (command: string, args: string, ...routes: string[]): CommandRow => ({
  command,
  routes,
  expect: 'client-bug',
  args,
  failsWith: 'could not determine user ID',
  reason: ME_LOOKUP,
});

const WS = '/current/workspace/:workspace_id';
const ORG = '/current/org/:org_id';
const NODE = `${WS}/storage/:node_id`;
const SHARE = '/current/share/:share_id';
const CHAT = `${WS}/ai/agent/:chat_id`;
const FS = '/current/fileshare/:fileshare_id';

export const COMMANDS: CommandRow[] = [
  // ---- auth
  pass('auth login', 'GET /current/user/auth/', 'GET /current/oauth/authorize/', 'POST /current/oauth/token/'),
  pass('auth logout'),
  pass('auth signout', 'POST /current/user/auth/sign-out/'),
  pass('auth invalidate-all', 'POST /current/user/auth/invalidate-all/'),
  pass('auth status', 'GET /current/user/auth/check/'),
  pass('auth signup', 'POST /current/user/', 'GET /current/user/auth/'),
  pass('auth verify', 'POST /current/user/email/validate/'),
  pass('auth 2fa setup', 'POST /current/user/auth/2factor/:channel/'),
  pass('auth 2fa verify', 'POST /current/user/auth/2factor/auth/:code/'),
  clientBug(
    'auth 2fa disable',
    '--token 123456',
    401,
    'sends the 2FA code as its Bearer credential too (its --token is the global --token, and the last one given wins), so the emulator rightly answers 401; the route itself is served and contract-tested (contracts/suites/twofactor.contract.ts)',
    'DELETE /current/user/auth/2factor/:code/',
  ),
  pass('auth 2fa status', 'GET /current/user/auth/2factor/'),
  pass('auth 2fa send', 'GET /current/user/auth/2factor/send/:channel/'),
  clientBug(
    'auth 2fa verify-setup',
    '--token 123456',
    401,
    'sends the 2FA code as its Bearer credential too (its --token is the global --token, and the last one given wins), so the emulator rightly answers 401; the route itself is served and contract-tested (contracts/suites/twofactor.contract.ts)',
    'POST /current/user/auth/2factor/verify/:code/',
  ),
  pass('auth api-key create', 'POST /current/user/auth/key/'),
  pass('auth api-key list', 'GET /current/user/auth/keys/'),
  pass('auth api-key delete', 'DELETE /current/user/auth/key/:key_id/'),
  pass('auth api-key get', 'GET /current/user/auth/key/:key_id/'),
  pass('auth api-key update', 'POST /current/user/auth/key/:key_id/'),
  pass('auth check', 'GET /current/user/auth/check/'),
  pass('auth session', 'GET /current/user/me/details/'),
  pass('auth email-check', 'POST /current/user/email/'),
  pass('auth password-reset-request', 'POST /current/user/email/reset/'),
  pass('auth password-reset', 'POST /current/user/password/:code/'),
  pass('auth oauth list', 'GET /current/oauth/sessions/'),
  pass('auth oauth details', 'GET /current/oauth/sessions/:session_id/'),
  pass('auth oauth rename', 'PATCH /current/oauth/sessions/:session_id/'),
  pass('auth oauth revoke', 'DELETE /current/oauth/sessions/:session_id/'),
  pass('auth oauth revoke-all', 'DELETE /current/oauth/sessions/'),
  pass('auth scopes', 'GET /current/auth/scopes/'),
  pass('auth password-reset-check', 'GET /current/user/password/:code/details/'),

  // ---- user
  pass('user info', 'GET /current/user/me/details/'),
  pass('user update', 'POST /current/user/update/'),
  pass('user email-change request', 'POST /current/user/update/'),
  clientBug(
    'user email-change confirm',
    '--token abc',
    401,
    'sends the confirmation token as its Bearer credential too (its --token is the global --token, and the last one given wins), so the emulator rightly answers 401; the route itself is served and contract-tested (contracts/suites/auth-account.contract.ts)',
    'POST /current/user/email/change/',
  ),
  meLookupBug('user avatar upload', '{tmpfile}', 'GET /current/user/me/details/', 'POST /current/user/:user_id/assets/:asset_name/'),
  meLookupBug('user avatar remove', '', 'GET /current/user/me/details/', 'DELETE /current/user/:user_id/assets/:asset_name/'),
  pass('user settings get', 'GET /current/user/me/details/'),
  pass('user settings update', 'POST /current/user/update/'),
  pass('user search', 'GET /current/users/search/'),
  pass('user close', 'POST /current/user/close/'),
  pass('user details', 'GET /current/user/:user_id/details/'),
  pass('user profiles', 'GET /current/user/available_profiles/'),
  pass('user allowed', 'GET /current/user/me/allowed/'),
  pass('user org-limits', 'GET /current/user/me/limits/orgs/'),
  pass('user shares', 'GET /current/shares/all/'),
  pass('user invitations list', 'GET /current/user/invitations/list/'),
  pass('user invitations details', 'GET /current/user/invitation/:invitation_id/details/'),
  pass('user invitations accept-all', 'POST /current/user/invitations/acceptall/'),
  pass('user asset types', 'GET /current/user/assets/'),
  pass('user asset list', 'GET /current/user/:user_id/assets/'),
  meLookupBug('user asset delete', 'photo', 'GET /current/user/me/details/', 'DELETE /current/user/:user_id/assets/:asset_name/'),
  meLookupBug('user asset upload', '--asset-type photo --file {tmpfile}', 'GET /current/user/me/details/', 'POST /current/user/:user_id/assets/:asset_name/'),
  pass('user asset read', 'GET /current/user/:user_id/assets/:asset_name/read/'),
  pass('user autosync', 'GET /current/user/me/autosync/:state/'),
  pass('user pin', 'GET /current/user/pin/'),
  pass('user phone', 'GET /current/user/phone/:phone/'),

  // ---- org
  pass('org list', 'GET /current/orgs/list/'),
  pass('org create', 'POST /current/org/create/'),
  pass('org info', `GET ${ORG}/details/`),
  pass('org update', `POST ${ORG}/update/`),
  pass('org delete', `POST ${ORG}/close/`),
  pass('org billing details', `GET ${ORG}/billing/details/`),
  pass('org billing plans', 'GET /current/org/billing/plan/list/'),
  pass('org billing usage', `GET ${ORG}/billing/usage/limits/credits/`),
  pass('org billing meters', `GET ${ORG}/billing/usage/meters/list/`),
  pass('org billing cancel', `DELETE ${ORG}/billing/`),
  pass('org billing reactivate', `PUT ${ORG}/billing/`),
  pass('org billing members', `GET ${ORG}/billing/usage/members/list/`),
  pass('org billing subscribe', `POST ${ORG}/billing/`),
  pass('org billing invoices', `GET ${ORG}/billing/invoices/`),
  pass('org members list', `GET ${ORG}/members/list/`),
  pass('org members invite', `POST ${ORG}/members/:member/`),
  pass('org members remove', `DELETE ${ORG}/members/:member/`),
  pass('org members update-role', `POST ${ORG}/member/:member/update/`),
  pass('org members details', `GET ${ORG}/member/:member/details/`),
  pass('org members leave', `DELETE ${ORG}/member/`),
  pass('org members join', `POST ${ORG}/members/join/`),
  pass('org transfer', `POST ${ORG}/member/:member/transfer_ownership/`),
  pass('org discover', 'GET /current/orgs/available/'),
  pass('org public-details', `GET ${ORG}/public/details/`),
  pass('org invitations list', `GET ${ORG}/members/invitations/list/`),
  pass('org invitations update', `POST ${ORG}/members/invitation/:invitation_id/`),
  pass('org invitations delete', `DELETE ${ORG}/members/invitation/:invitation_id/`),
  pass('org transfer-token create', `POST ${ORG}/transfer/token/create/`),
  pass('org transfer-token list', `GET ${ORG}/transfer/token/list/`),
  pass('org transfer-token delete', `DELETE ${ORG}/transfer/token/:token_id/`),
  clientBug(
    'org transfer-claim',
    'TOKEN',
    401,
    'sends the transfer token as its Bearer credential (the positional <TOKEN> shares its name with the global --token), so the emulator rightly answers 401',
    'POST /current/org/transfer/claim/',
  ),
  pass('org discover-all', 'GET /current/orgs/all/'),
  pass('org discover-available', 'GET /current/orgs/available/'),
  pass('org discover-check-domain', 'GET /current/orgs/check/domain/:domain/'),
  pass('org discover-external', 'GET /current/orgs/list/external/'),
  pass('org workspaces', `GET ${ORG}/list/workspaces/`),
  pass('org shares', 'GET /current/shares/all/'),
  pass('org asset types', 'GET /current/org/assets/'),
  pass('org asset list', `GET ${ORG}/assets/`),
  pass('org asset delete', `DELETE ${ORG}/assets/:asset_name/`),
  pass('org create-workspace', `POST ${ORG}/create/workspace/`),

  // ---- workspace
  pass('workspace list', 'GET /current/workspaces/all/'),
  pass('workspace create', `POST ${ORG}/create/workspace/`),
  pass('workspace info', `GET ${WS}/details/`),
  pass('workspace update', `POST ${WS}/update/`),
  pass('workspace delete', `DELETE ${WS}/delete/`),
  pass('workspace jobs-status', `GET ${WS}/jobs/status/`),
  pass('workspace search', `GET ${WS}/search/`),
  pass('workspace limits', `GET ${WS}/limits/`),

  // ---- member (workspace members)
  pass('member list', `GET ${WS}/members/list/`),
  pass('member add', `POST ${WS}/members/:member/`),
  pass('member remove', `DELETE ${WS}/members/:member/`),
  pass('member update', `POST ${WS}/member/:member/update/`),
  pass('member info', `GET ${WS}/member/:member/details/`),

  // ---- invitation (the caller's own)
  pass('invitation list', 'GET /current/user/invitations/list/'),
  pass('invitation accept', 'POST /current/user/invitations/acceptall/'),
  pass('invitation decline', `POST ${WS}/members/invitation/:invitation_id/`),
  pass('invitation delete', `DELETE ${WS}/members/invitation/:invitation_id/`),

  // ---- files
  pass('files list', `GET ${NODE}/list/`),
  pass('files info', `GET ${NODE}/details/`),
  pass('files create-folder', `POST ${NODE}/createfolder/`),
  pass('files move', `POST ${NODE}/move/`),
  pass('files copy', `POST ${NODE}/copy/`),
  pass('files rename', `POST ${NODE}/update/`),
  pass('files update', `POST ${NODE}/update/`),
  pass('files add-file', `POST ${NODE}/addfile/`),
  pass('files delete', `DELETE ${NODE}/delete/`),
  pass('files restore', `POST ${NODE}/restore/`),
  pass('files purge', `DELETE ${NODE}/purge/`),
  pass('files trash', `GET ${NODE}/list/`),
  pass('files versions', `GET ${NODE}/versions/`),
  pass('files search', `GET ${WS}/storage/search/`),
  pass('files recent', `GET ${WS}/storage/recent/`),
  pass('files add-link', `POST ${NODE}/addlink/`),
  pass('files transfer', `POST ${NODE}/transfer/`),
  pass('files version-restore', `POST ${NODE}/restore-version/`),
  pass('files lock acquire', `POST ${NODE}/lock/`),
  pass('files lock status', `GET ${NODE}/lock/`),
  pass('files lock release', `DELETE ${NODE}/lock/`),
  pass('files read', `GET ${NODE}/read/`),

  // ---- preview (storage5-scenario.ts; --context-type workspace|share)
  pass('preview get', `GET ${NODE}/preview/:preview_type/preauthorize/`),
  pass('preview thumbnail', `GET ${NODE}/preview/:preview_type/preauthorize/`),
  pass('preview transform', `GET ${NODE}/transform/:transform_name/requestread/`),

  // ---- lock (a workspace's or a share's files: --context-type, --context-id)
  pass('lock acquire', `POST ${NODE}/lock/`),
  pass('lock status', `GET ${NODE}/lock/`),
  pass('lock heartbeat', `POST ${NODE}/lock/heartbeat/`),
  pass('lock release', `DELETE ${NODE}/lock/`),

  // ---- upload
  pass(
    'upload file',
    'POST /current/upload/',
    'POST /current/upload/:upload_id/chunk/',
    'POST /current/upload/:upload_id/complete/',
    'GET /current/upload/:upload_id/details/',
  ),
  pass('upload text', 'POST /current/upload/'),
  pass('upload url', 'POST /current/web_upload/'),
  pass('upload create-session', 'POST /current/upload/'),
  pass('upload chunk', 'POST /current/upload/:upload_id/chunk/'),
  pass('upload finalize', 'POST /current/upload/:upload_id/complete/'),
  pass('upload status', 'GET /current/upload/:upload_id/details/'),
  pass('upload cancel', 'DELETE /current/upload/:upload_id/'),
  pass('upload list-sessions', 'GET /current/upload/details/'),
  pass('upload cancel-all', 'DELETE /current/upload/'),
  pass('upload chunk-status', 'GET /current/upload/:upload_id/chunk/'),
  pass('upload chunk-delete', 'DELETE /current/upload/:upload_id/chunk/'),
  pass('upload web-list', 'GET /current/web_upload/'),
  pass('upload web-cancel', 'DELETE /current/web_upload/'),
  pass('upload web-status', 'GET /current/web_upload/:upload_id/details/'),
  pass('upload limits', 'GET /current/upload/limits/'),
  pass('upload algos', 'GET /current/upload/algos/'),
  pass('upload extensions', 'GET /current/upload/limits/extensions/'),
  pass('upload stream', 'POST /current/upload/', 'POST /current/upload/:upload_id/stream/'),
  pass('upload create-stream-session', 'POST /current/upload/'),
  pass('upload stream-send', 'POST /current/upload/:upload_id/stream/'),

  // ---- download
  pass('download file', `GET ${NODE}/details/`, `GET ${NODE}/requestread/`, `GET ${NODE}/read/`),
  pass('download folder', `GET ${NODE}/zip/`),
  pass('download batch', `GET ${NODE}/details/`, `GET ${NODE}/requestread/`, `GET ${NODE}/read/`),

  // ---- event
  pass('event list', 'GET /current/events/search/'),
  pass('event info', 'GET /current/event/:event_id/details/'),
  pass('event poll', 'GET /current/activity/poll/:entity_id/'),
  pass('event ack', 'POST /current/event/:event_id/ack/'),
  pass('event summarize', 'GET /current/events/search/summarize/'),

  // ---- dashboard (V2): the per-member workspace feed
  pass('dashboard get', `GET ${WS}/dashboard/`),
  pass('dashboard dismiss', `POST ${WS}/dashboard/cards/:card_key/dismiss/`),
  pass('dashboard undismiss', `DELETE ${WS}/dashboard/cards/:card_key/dismiss/`),

  // ---- ripley (AI): the V2 `ai/agent/` routes (issue 16), served under the v2 dialect
  pass('ripley ask', `POST ${WS}/ai/agent/`, `GET ${CHAT}/message/:message_id/details/`),
  pass('ripley chat', `POST ${WS}/ai/agent/`, `POST ${CHAT}/message/`, `GET ${CHAT}/message/:message_id/details/`),
  pass('ripley search', `GET ${WS}/storage/search/`),
  pass('ripley history', `GET ${WS}/ai/agent/list/`, `GET ${CHAT}/messages/list/`),
  pass('ripley summary', `POST ${WS}/ai/share/`),
  pass('ripley cancel', `POST ${CHAT}/cancel/`),
  pass('ripley list', `GET ${WS}/ai/agent/list/`, `GET ${WS}/ai/agent/list/deleted/`),
  pass('ripley details', `GET ${CHAT}/details/`),
  pass('ripley messages', `GET ${CHAT}/messages/list/`),
  pass('ripley message', `GET ${CHAT}/message/:message_id/details/`),
  pass('ripley update', `POST ${CHAT}/update/`),
  gap(
    'ripley publish',
    '--workspace {ws} {chat}',
    403,
    'publishing a chat is disabled platform-wide upstream (the client maps the 403 to its own HINT_PUBLISH_DISABLED); the emulator answers that 403',
    `POST ${CHAT}/publish/`,
  ),
  pass('ripley delete', `DELETE ${CHAT}/`),
  pass('ripley transactions', `GET ${WS}/ai/transactions/`),
  pass('ripley autotitle', 'POST /current/share/:share_id/ai/autotitle/'),

  // ---- system, unified search, view
  pass('system ping', 'GET /current/ping/'),
  pass('system status', 'GET /current/system/status/'),
  pass('search workspace', `GET ${WS}/search/`),
  // ---- share (issue 17: the share, its members, invitations and visitor tokens are served;
  // its files are not built yet)
  pass('share list', 'GET /current/shares/all/'),
  pass('share create', `POST ${WS}/create/share/`),
  pass('share info', `GET ${SHARE}/details/`),
  pass('share update', `POST ${SHARE}/update/`),
  pass('share delete', `DELETE ${SHARE}/delete/`),
  pass('share archive', `POST ${SHARE}/archive/`),
  pass('share unarchive', `POST ${SHARE}/unarchive/`),
  pass('share public-info', `GET ${SHARE}/public/details/`),
  pass('share available', 'GET /current/shares/available/'),
  pass('share check-name', 'GET /current/shares/check/name/:name/'),
  pass('share password-auth', `POST ${SHARE}/auth/password/`),
  pass('share guest-auth', `POST ${SHARE}/auth/guest/`),
  pass('share files list', `GET ${SHARE}/storage/:node_id/list/`),
  pass('share members list', `GET ${SHARE}/members/list/`),
  pass('share members add', `POST ${SHARE}/members/:member/`),
  pass('share members update', `POST ${SHARE}/member/:member/update/`),
  pass('share members info', `GET ${SHARE}/member/:member/details/`),
  pass('share members transfer', `POST ${SHARE}/member/:member/transfer_ownership/`),
  pass('share members leave', `DELETE ${SHARE}/member/`),
  pass('share members join', `POST ${SHARE}/members/join/`),
  pass('share members remove', `DELETE ${SHARE}/members/:member/`),
  pass('share invitation list', `GET ${SHARE}/members/invitations/list/`),
  pass('share invitation update', `POST ${SHARE}/members/invitation/:invitation_id/`),
  pass('share invitation delete', `DELETE ${SHARE}/members/invitation/:invitation_id/`),
  pass('search share', 'GET /current/share/:share_id/search/'),

  // ---- fileshare (issue 17 item 5: management, grants and the recipient reads are served)
  pass('fileshare create', `POST ${WS}/create/fileshare/`),
  pass('fileshare list', `GET ${WS}/list/fileshares/`),
  pass('fileshare info', `GET ${FS}/details/`),
  pass('fileshare update', `POST ${FS}/update/`),
  pass('fileshare delete', `DELETE ${FS}/delete/`),
  pass('fileshare grants list', `GET ${FS}/grants/`),
  pass('fileshare grants add', `POST ${FS}/grants/`),
  pass('fileshare grants remove', `DELETE ${FS}/grants/`),
  pass('fileshare download', `GET ${FS}/storage/read/`, `GET ${FS}/storage/versions/:version_id/read/`),
  pass('fileshare versions', `GET ${FS}/storage/versions/`),
  pass('fileshare preview', `GET ${FS}/storage/preview/:preview_type/read/`),
  pass('fileshare upload', `GET ${FS}/details/`, 'POST /current/upload/'),
  pass('fileshare activity', 'GET /current/activity/poll/:entity_id/'),
  pass('fileshare ws-token', 'GET /current/websocket/auth/:fileshare_id/'),
  pass('view', `GET ${NODE}/readnote/`, `GET ${NODE}/details/`, `GET ${NODE}/read/`),
  // --- comments, apps, how-to (comments-scenario.ts) ---
  pass('comment list', 'GET /current/comments/:entity_type/:entity_id/:node_id/'),
  pass('comment create', 'POST /current/comments/:entity_type/:entity_id/:node_id/'),
  pass('comment reply', 'POST /current/comments/:entity_type/:entity_id/:node_id/'),
  pass('comment edit', 'POST /current/comments/:comment_id/update/'),
  pass('comment delete', 'DELETE /current/comments/:comment_id/delete/'),
  pass('comment list-all', 'GET /current/comments/:entity_type/:entity_id/'),
  pass('comment info', 'GET /current/comments/:comment_id/details/'),
  pass('comment react', 'POST /current/comments/:comment_id/reactions/'),
  pass('comment unreact', 'DELETE /current/comments/:comment_id/reactions/'),
  pass('comment bulk-delete', 'POST /current/comments/bulk/delete/'),
  pass('comment attachments', 'GET /current/comments/:comment_id/attachments/'),
  pass('comment attach', 'POST /current/comments/:comment_id/attachments/'),
  pass('comment detach', 'POST /current/comments/:comment_id/attachments/detach/'),
  pass('apps list', 'GET /current/apps/list/'),
  pass('apps details', 'GET /current/apps/:app_id/details/'),
  pass('apps launch', 'POST /current/apps/:app_id/launch/'),
  pass('apps tool-apps', 'GET /current/apps/tool/:tool_name/'),
  pass('how-to', 'POST /current/how-to/'),

  // ---- asset (assets5: emulator/assets/; the routes take every entity type, the client sends org, workspace or share)
  pass('asset types', 'GET /current/org/assets/'),
  pass('asset list', `GET ${ORG}/assets/`),
  pass('asset remove', `DELETE ${ORG}/assets/:asset_name/`),
  {
    command: 'asset upload',
    routes: [`POST ${ORG}/assets/:asset_name/`],
    expect: 'client-bug',
    args: 'logo {tmpfile} --entity-type org --entity-id {org}',
    failsWith: 'asset upload is not available',
    reason:
      'the client refuses before any request (commands/asset.rs upload bails); the emulator serves the upload (contracts/suites/assets.contract.ts, assets5-scenario.ts over HTTP)',
  },
  // ---- import (issue 20 item 5; imports5-scenario.ts, with the emulator's own provider)
  pass('import list-providers', 'GET /current/imports/workspace/:workspace_id/providers/'),
  pass('import list-identities', 'GET /current/imports/workspace/:workspace_id/identities/'),
  pass('import provision-identity', 'POST /current/imports/workspace/:workspace_id/identities/provision/'),
  pass('import identity-details', 'GET /current/imports/workspace/:workspace_id/identities/:identity_id/'),
  pass('import revoke-identity', 'POST /current/imports/workspace/:workspace_id/identities/:identity_id/revoke/'),
  pass('import list-sources', 'GET /current/imports/workspace/:workspace_id/sources/'),
  pass('import discover', 'POST /current/imports/workspace/:workspace_id/sources/discover/'),
  pass('import create-source', 'POST /current/imports/workspace/:workspace_id/sources/create/'),
  pass('import source-details', 'GET /current/imports/details/:source_id/'),
  pass('import update-source', 'POST /current/imports/details/:source_id/update/'),
  pass('import delete-source', 'POST /current/imports/details/:source_id/delete/'),
  pass('import disconnect', 'POST /current/imports/details/:source_id/disconnect/'),
  pass('import refresh', 'POST /current/imports/details/:source_id/refresh/'),
  pass('import list-jobs', 'GET /current/imports/details/:source_id/jobs/'),
  pass('import job-details', 'GET /current/imports/details/:source_id/jobs/:job_id/'),
  pass('import cancel-job', 'POST /current/imports/details/:source_id/jobs/:job_id/cancel/'),
  pass('import list-writebacks', 'GET /current/imports/details/:source_id/writebacks/'),
  pass('import writeback-details', 'GET /current/imports/details/:source_id/writebacks/:writeback_id/'),
  pass('import push-writeback', 'POST /current/imports/details/:source_id/writebacks/push/:node_id/'),
  pass('import retry-writeback', 'POST /current/imports/details/:source_id/writebacks/:writeback_id/retry/'),
  pass('import resolve-conflict', 'POST /current/imports/details/:source_id/writebacks/:writeback_id/resolve/'),
  pass('import cancel-writeback', 'POST /current/imports/details/:source_id/writebacks/:writeback_id/cancel/'),
  // --- metadata (metadata5-scenario.ts) ---
  pass('metadata eligible', `GET ${WS}/metadata/eligible/`),
  pass('metadata preview-match', `POST ${WS}/metadata/templates/preview-match/`),
  pass('metadata suggest-fields', `POST ${WS}/metadata/templates/suggest-fields/`),
  pass('metadata create-template', `POST ${WS}/metadata/templates/`),
  pass('metadata add-nodes', `POST ${WS}/metadata/templates/:template_id/nodes/add/`),
  pass('metadata remove-nodes', `POST ${WS}/metadata/templates/:template_id/nodes/remove/`),
  pass('metadata list-nodes', `GET ${WS}/metadata/templates/:template_id/nodes/`),
  pass('metadata auto-match', `POST ${WS}/metadata/templates/:template_id/auto-match/`),
  pass('metadata extract', `POST ${NODE}/metadata/extract/`),
  pass('metadata extract-all', `POST ${WS}/metadata/templates/:template_id/extract-all/`),
  pass('metadata details', `GET ${NODE}/metadata/details/`),
  pass('metadata search', `GET ${WS}/metadata/search/`),
  pass('metadata export-view', `POST ${WS}/metadata/view/:template_id/export/`),
];

/**
 * Groups of the client for areas the emulator does not have at all, each with one of its routes
 * (src/api/*.rs at 96b1551). Their commands are not listed one by one: the whole group is unserved.
 */
export const UNSERVED_GROUPS: { group: string; route: string }[] = [];

/** Top-level groups whose commands send no request (identifiers, profiles, completions, the skill guide, help). */
export const OFFLINE_GROUPS = ['id', 'configure', 'completions', 'skill', 'help'];

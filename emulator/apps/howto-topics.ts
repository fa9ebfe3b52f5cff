/**
 * The how-to corpus: the emulator's own short guides to the API it emulates, written for this
 * project (no text of Fast.io's corpus, which the emulator does not have). Each topic has the
 * words it answers to, a summary and its steps; a step names the REST call and the official
 * client's MCP tool action, so the answer can be phrased for each `surface` (howto.ts).
 * Versioned with HOWTO_CORPUS_VERSION: editing a topic is a new version.
 */

export const HOWTO_CORPUS_VERSION = '2026.12.1';

export interface HowToStep {
  /** what the step does, in a sentence */
  say: string;
  /** `METHOD /current/...` */
  rest: string;
  /** the MCP tool call of the official client, `tool action="..."` */
  mcp: string;
}

export interface HowToTopic {
  id: string;
  title: string;
  /** words (lower case, singular) a question about this topic uses */
  keywords: readonly string[];
  summary: string;
  steps: readonly HowToStep[];
  /** what to know before or after the steps */
  notes?: readonly string[];
}

export const HOWTO_TOPICS: readonly HowToTopic[] = [
  {
    id: 'get-started',
    title: 'Sign up, sign in and make an API key',
    keywords: ['sign', 'signup', 'signin', 'login', 'account', 'register', 'api', 'key', 'token', 'authenticate', 'auth', 'start'],
    summary: 'Create a user, sign in with Basic credentials for a JWT, then make an API key for unattended use.',
    steps: [
      { say: 'Create the user (the email must be verified before most calls).', rest: 'POST /current/user/', mcp: 'auth action="signup"' },
      { say: 'Sign in with HTTP Basic email:password; the answer holds a JWT.', rest: 'GET /current/user/auth/', mcp: 'auth action="signin"' },
      { say: 'Make an API key and send it as a Bearer token from then on.', rest: 'POST /current/user/auth/key/', mcp: 'auth action="api-key-create"' },
    ],
    notes: ['An API key never expires until deleted; a JWT expires, so long-running agents use keys.'],
  },
  {
    id: 'org-and-workspace',
    title: 'Create an organization and a workspace',
    keywords: ['org', 'organization', 'organisation', 'workspace', 'create', 'tenant', 'team', 'plan', 'subscribe'],
    summary: 'Every workspace lives in an organization: create the org, subscribe it to a plan (V2), then create workspaces in it.',
    steps: [
      { say: 'Create the organization with a unique domain.', rest: 'POST /current/org/create/', mcp: 'org action="create"' },
      {
        say: 'Under V2 a new org is on plan `none`: choose a plan before creating resources.',
        rest: 'POST /current/org/{org_id}/billing/',
        mcp: 'org action="billing-create"',
      },
      {
        say: 'Create a workspace (V2 requires `intelligence`, true or false).',
        rest: 'POST /current/org/{org_id}/create/workspace/',
        mcp: 'workspace action="create"',
      },
    ],
    notes: ['Resource calls of an org without a plan answer 402 with code 1688 under V2.'],
  },
  {
    id: 'upload-files',
    title: 'Upload a file',
    keywords: ['upload', 'file', 'chunk', 'send', 'put', 'store', 'add', 'big', 'large'],
    summary: 'Small files go up in one call; large ones in a session of chunks that is then completed.',
    steps: [
      {
        say: 'Open a session (or send the whole file as `chunk` in the same call for a small file).',
        rest: 'POST /current/upload/',
        mcp: 'upload action="create-session"',
      },
      { say: 'Send each chunk with its order number.', rest: 'POST /current/upload/{upload_id}/chunk/', mcp: 'upload action="chunk"' },
      {
        say: 'Complete the session; the file appears when assembly finishes.',
        rest: 'POST /current/upload/{upload_id}/complete/',
        mcp: 'upload action="finalize"',
      },
      { say: 'Follow the session until it reports the new node id.', rest: 'GET /current/upload/{upload_id}/details/', mcp: 'upload action="status"' },
    ],
    notes: ['Uploading a file with the same name into the same folder adds a version to the existing node; it keeps its id.'],
  },
  {
    id: 'folders-and-notes',
    title: 'Organize files: folders, notes, moving and trash',
    keywords: ['folder', 'create', 'note', 'move', 'copy', 'rename', 'trash', 'delete', 'restore', 'organize', 'list'],
    summary: 'Folders and notes are nodes of a workspace; `root` and `trash` are the two fixed places.',
    steps: [
      {
        say: 'Create a folder under a parent node (or `root`).',
        rest: 'POST /current/workspace/{workspace_id}/storage/{node_id}/createfolder/',
        mcp: 'files action="create-folder"',
      },
      { say: 'Create a Markdown note.', rest: 'POST /current/workspace/{workspace_id}/storage/{node_id}/createnote/', mcp: 'files action="create-note"' },
      {
        say: 'List a folder, `trash` for what was deleted.',
        rest: 'GET /current/workspace/{workspace_id}/storage/{node_id}/list/',
        mcp: 'files action="list"',
      },
    ],
  },
  {
    id: 'download-files',
    title: 'Download a file',
    keywords: ['download', 'read', 'get', 'fetch', 'content', 'link', 'url'],
    summary: 'Read the bytes with a Bearer token, or ask for a short-lived download token to hand to a browser.',
    steps: [
      { say: 'Read the file directly.', rest: 'GET /current/workspace/{workspace_id}/storage/{node_id}/read/', mcp: 'download action="file"' },
      {
        say: 'Or request a download token and pass it as `?token=` to the read URL.',
        rest: 'GET /current/workspace/{workspace_id}/storage/{node_id}/requestread/',
        mcp: 'download action="link"',
      },
    ],
  },
  {
    id: 'share-files',
    title: 'Share files with people outside the workspace',
    keywords: ['share', 'create', 'make', 'new', 'send', 'receive', 'exchange', 'client', 'external', 'guest', 'link', 'password', 'branded', 'portal'],
    summary: 'A share is a space of its own inside a workspace, with its members, access rules and optional password.',
    steps: [
      {
        say: 'Create the share (type send, receive or exchange; `workspace_folder` storage to share an existing folder).',
        rest: 'POST /current/workspace/{workspace_id}/create/share/',
        mcp: 'share action="create"',
      },
      {
        say: 'Add the people who may open it, with a share role.',
        rest: 'POST /current/share/{share_id}/members/{email_or_user_id}/',
        mcp: 'member action="add"',
      },
      { say: 'Change who may open it (`access_options`) or set a password.', rest: 'POST /current/share/{share_id}/update/', mcp: 'share action="update"' },
    ],
    notes: ['A password needs `access_options` "Anyone with the link".'],
  },
  {
    id: 'members-and-invitations',
    title: 'Add members and invite people',
    keywords: ['member', 'invite', 'invitation', 'role', 'permission', 'admin', 'colleague', 'people', 'user', 'join'],
    summary: 'Add a registered user by id or email, or invite an address; roles are owner, admin, member and guest.',
    steps: [
      { say: 'Add to the organization.', rest: 'POST /current/org/{org_id}/members/{email_or_user_id}/', mcp: 'member action="add"' },
      { say: 'Add to a workspace.', rest: 'POST /current/workspace/{workspace_id}/members/{email_or_user_id}/', mcp: 'member action="add"' },
      {
        say: 'See the invitations still waiting for an answer.',
        rest: 'GET /current/org/{org_id}/members/invitations/list/',
        mcp: 'invitation action="list-entity"',
      },
    ],
  },
  {
    id: 'comments',
    title: 'Comment on a file, reply and mention someone',
    keywords: ['comment', 'reply', 'mention', 'annotate', 'annotation', 'feedback', 'review', 'reaction', 'emoji', 'thread', 'anchor'],
    summary: 'Comments hang on a file of a workspace or share; replies are one level deep; a reference anchors a comment to a page, a region or a time.',
    steps: [
      {
        say: 'Add a comment; send `reference` such as {"type":"page","page":3} to anchor it.',
        rest: 'POST /current/comments/{entity_type}/{entity_id}/{node_id}/',
        mcp: 'comment action="add"',
      },
      {
        say: 'Reply with `parent_id`; a reply to a reply joins the top thread.',
        rest: 'POST /current/comments/{entity_type}/{entity_id}/{node_id}/',
        mcp: 'comment action="reply"',
      },
      {
        say: 'Mention a member with @[user:USER_ID:Name] in the body; they get a comment_mentioned event.',
        rest: 'POST /current/comments/{entity_type}/{entity_id}/{node_id}/',
        mcp: 'comment action="add"',
      },
      { say: 'List the comments of the file.', rest: 'GET /current/comments/{entity_type}/{entity_id}/{node_id}/', mcp: 'comment action="list"' },
    ],
    notes: ['The body holds at most 8,192 characters; the text shown (mentions as names) at most 500.'],
  },
  {
    id: 'search',
    title: 'Find files, metadata and comments',
    keywords: ['search', 'find', 'look', 'query', 'locate', 'where'],
    summary: 'The unified find answers one query in buckets (files, metadata, comments), each paginated on its own.',
    steps: [
      { say: 'Search a workspace (V2).', rest: 'GET /current/workspace/{workspace_id}/search/?search=...', mcp: 'files action="find"' },
      { say: 'Or search file contents only.', rest: 'GET /current/workspace/{workspace_id}/storage/search/?search=...', mcp: 'files action="search"' },
    ],
  },
  {
    id: 'ai-questions',
    title: 'Ask questions about your files',
    keywords: ['ai', 'ask', 'question', 'chat', 'summarize', 'summary', 'intelligence', 'rag', 'assistant', 'agent', 'ripley'],
    summary: 'With intelligence on, uploaded files are ingested; a chat then answers over them with citations.',
    steps: [
      {
        say: 'Turn intelligence on for the workspace (ingestion costs credits per page).',
        rest: 'POST /current/workspace/{workspace_id}/update/',
        mcp: 'workspace action="update"',
      },
      {
        say: 'Start a chat with a question (V2: the agent routes; April: ai/chat).',
        rest: 'POST /current/workspace/{workspace_id}/ai/agent/',
        mcp: 'ripley action="ask"',
      },
      {
        say: 'Read the messages when the answer is complete.',
        rest: 'GET /current/workspace/{workspace_id}/ai/agent/{chat_id}/messages/list/',
        mcp: 'ripley action="messages"',
      },
    ],
  },
  {
    id: 'ownership-transfer',
    title: 'Hand an organization over to a human',
    keywords: ['transfer', 'ownership', 'owner', 'hand', 'handover', 'claim', 'give', 'agent', 'human'],
    summary: 'An agent builds an organization, then creates a transfer token; the human claims it and becomes the owner.',
    steps: [
      { say: 'Create a transfer token.', rest: 'POST /current/org/{org_id}/transfer/token/create/', mcp: 'org action="transfer-token-create"' },
      { say: 'The human, signed in, claims it.', rest: 'POST /current/org/transfer/claim/', mcp: 'org action="transfer-claim"' },
    ],
  },
  {
    id: 'billing-and-credits',
    title: 'Plans, credits and usage',
    keywords: ['billing', 'credit', 'plan', 'usage', 'cost', 'price', 'invoice', 'meter', 'limit', 'pay'],
    summary: "Storage, bandwidth and AI use spend the org's credits; the billing routes show the plan, the credits left and the meters.",
    steps: [
      { say: 'See the plan and subscription.', rest: 'GET /current/org/{org_id}/billing/details/', mcp: 'org action="billing-details"' },
      { say: 'See credits used and left.', rest: 'GET /current/org/{org_id}/billing/usage/limits/credits/', mcp: 'org action="credits"' },
      { say: 'See the meters.', rest: 'GET /current/org/{org_id}/billing/usage/meters/list/', mcp: 'org action="meters"' },
    ],
  },
  {
    id: 'events-and-activity',
    title: 'Follow what changes: events and activity',
    keywords: ['event', 'activity', 'audit', 'log', 'poll', 'notify', 'watch', 'change', 'websocket', 'feed'],
    summary: 'The audit trail answers who did what; the activity long-poll wakes a client when something of an entity changes.',
    steps: [
      {
        say: 'Search events (filter by workspace, category, subcategory such as `comments`).',
        rest: 'GET /current/events/search/',
        mcp: 'event action="search"',
      },
      {
        say: 'Long-poll an entity with the last `lastactivity` you saw.',
        rest: 'GET /current/activity/poll/{entity_id}/?wait=30&lastactivity=...',
        mcp: 'event action="activity-poll"',
      },
    ],
  },
  {
    id: 'file-locks',
    title: 'Lock a file while editing it',
    keywords: ['lock', 'unlock', 'edit', 'concurrent', 'conflict', 'heartbeat'],
    summary: 'A lock keeps others from writing a file; keep it alive with heartbeats and release it when done.',
    steps: [
      { say: 'Acquire the lock.', rest: 'POST /current/workspace/{workspace_id}/storage/{node_id}/lock/', mcp: 'lock action="acquire"' },
      {
        say: 'Send heartbeats while editing.',
        rest: 'POST /current/workspace/{workspace_id}/storage/{node_id}/lock/heartbeat/',
        mcp: 'lock action="heartbeat"',
      },
      { say: 'Release it.', rest: 'DELETE /current/workspace/{workspace_id}/storage/{node_id}/lock/', mcp: 'lock action="release"' },
    ],
  },
];

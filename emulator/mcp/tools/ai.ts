/**
 * `ai` (Ripley; the client's `ripley` tool, `ai` being its alias): chats over the workspace's
 * RAG index (`files_scope`/`folders_scope`) or attached files (`files_attach`), mutually
 * exclusive. V2 speaks `/ai/agent/` with `references`/`subjects`; April `/ai/chat/` with the
 * scope strings. PARITY: agent guide v2.6 section 5 "AI chat (Ripley) mechanics"; client ai.rs.
 */
import { answer, call, invalid, ok, profileOf, rest, str, type ActionSpec, type Args, type ToolCtx, type ToolResult, type ToolSpec } from '../kit.js';

const base = (ctx: ToolCtx, a: Args): string | undefined => {
  const { type, id } = profileOf(a);
  return id ? `/${type}/${encodeURIComponent(id)}/ai/${ctx.dialect === 'v2' ? 'agent' : 'chat'}` : undefined;
};

function refs(list: string | undefined, kind: 'file' | 'folder'): unknown[] {
  return (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [node, version = ''] = s.split(':');
      return kind === 'file'
        ? { type: 'file', id: node, file_details: { node_id: node, version_id: version } }
        : { type: 'folder', id: node, folder_details: { node_id: node } };
    });
}

function questionFields(ctx: ToolCtx, a: Args): { form?: Record<string, string | undefined>; error?: ToolResult } {
  const files = str(a, 'files_scope');
  const folders = str(a, 'folders_scope');
  const attach = str(a, 'files_attach');
  if (attach && (files || folders))
    return { error: invalid(ctx, 'files_attach and files_scope/folders_scope are mutually exclusive: attach files, or scope the RAG search.') };
  const question = str(a, 'question', 'message', 'query');
  if (ctx.dialect === 'v2') {
    const references = [...refs(files, 'file'), ...refs(folders, 'folder')];
    return {
      form: {
        question,
        name: str(a, 'name'),
        ...(references.length ? { references: JSON.stringify(references) } : {}),
        ...(attach ? { subjects: JSON.stringify(refs(attach, 'file')) } : {}),
      },
    };
  }
  return {
    form: {
      question,
      // April: attachments ride a `chat` (a scope makes it chat_with_files; the REST route decides what files_attach does)
      type: files || folders ? 'chat_with_files' : 'chat',
      files_scope: files,
      folders_scope: folders,
      files_attach: attach,
      name: str(a, 'name'),
    },
  };
}

function ids(body: Record<string, unknown> | undefined): { chat?: string; message?: string } {
  const thread = body?.thread as { thread_id?: string } | undefined;
  const turn = body?.turn as { turn_id?: string } | undefined;
  return { chat: thread?.thread_id ?? (body?.chat_id as string | undefined), message: turn?.turn_id ?? (body?.message_id as string | undefined) };
}

const chatCreate: ActionSpec = {
  summary: 'Start a chat with a question (consumes AI credits: do not re-call to retry, read the chat)',
  params: ['profile_type', 'profile_id', 'question', 'files_scope', 'folders_scope', 'files_attach', 'name'],
  required: ['profile_id', 'question'],
  async run(ctx, a) {
    const b = base(ctx, a);
    if (!b) return invalid(ctx, 'Missing required parameter: profile_id');
    const { form, error } = questionFields(ctx, a);
    if (error) return error;
    const res = await call(ctx, { method: 'POST', path: `${b}/`, form });
    const { chat, message } = ids(res.body);
    return answer(ctx, res, {
      next: chat
        ? [
            `event action=activity-poll entity_id=${str(a, 'profile_id', 'context_id', 'instance_id', 'workspace_id')} (until ai_chat:${chat})`,
            `ai action=message-read chat_id=${chat} message_id=${message}`,
          ]
        : [],
    });
  },
};

/** A bounded wait for the answer: the message details, with activity long-polls between reads. */
const messageRead: ActionSpec = {
  summary: 'Read an answer, waiting a bounded time (~24 s) while it is in progress',
  params: ['profile_type', 'profile_id', 'chat_id', 'message_id'],
  required: ['profile_id', 'chat_id', 'message_id'],
  async run(ctx, a) {
    const b = base(ctx, a);
    const chat = str(a, 'chat_id');
    const message = str(a, 'message_id');
    if (!b || !chat || !message) return invalid(ctx, 'Missing required parameter: profile_id, chat_id and message_id');
    const path = `${b}/${encodeURIComponent(chat)}/message/${encodeURIComponent(message)}/details/`;
    let res = await call(ctx, { method: 'GET', path });
    for (let i = 0; i < 2 && res.status === 200; i++) {
      const m = (res.body?.message ?? res.body?.turn ?? {}) as { state?: string };
      if (m.state === 'complete' || m.state === 'errored') break;
      await call(ctx, { method: 'GET', path: `/activity/poll/${encodeURIComponent(profileOf(a).id!)}/`, query: { wait: 12 } });
      res = await call(ctx, { method: 'GET', path });
    }
    const m = (res.body?.message ?? res.body?.turn ?? {}) as { state?: string };
    return answer(
      ctx,
      res,
      m.state === 'complete' || res.status !== 200 ? {} : { next: ['Still processing: event action=activity-poll, then message-read once.'] },
    );
  },
};

const ask: ActionSpec = {
  summary: 'Ask a question and read the answer (chat-create, then message-read)',
  params: chatCreate.params!,
  required: chatCreate.required!,
  async run(ctx, a) {
    const created = await chatCreate.run(ctx, a);
    if (created.isError) return created;
    const sc = created.structuredContent ?? {};
    const { chat, message } = ids(sc);
    if (!chat || !message) return created;
    const read = await messageRead.run(ctx, { ...a, chat_id: chat, message_id: message });
    if (read.isError) return read;
    return ok(ctx, { chat_id: chat, message_id: message, ...read.structuredContent });
  },
};

const C = '/{profile_type}/{profile_id}/ai';
const agent = (ctx: ToolCtx) => (ctx.dialect === 'v2' ? 'agent' : 'chat');
/** A chat route whose segment is `agent` (V2) or `chat` (April). */
function chatRest(summary: string, method: string, tail: string, destructive = false): ActionSpec {
  const v2 = rest(summary, method, `${C}/agent${tail}`, { destructive });
  const april = rest(summary, method, `${C}/chat${tail}`, { destructive });
  return { ...v2, run: (ctx, a) => (agent(ctx) === 'agent' ? v2 : april).run(ctx, a) };
}

const messageSend: ActionSpec = {
  summary: 'Ask a follow-up question in a chat',
  params: ['profile_type', 'profile_id', 'chat_id', 'question', 'files_scope', 'folders_scope', 'files_attach'],
  required: ['profile_id', 'chat_id', 'question'],
  async run(ctx, a) {
    const b = base(ctx, a);
    const chat = str(a, 'chat_id');
    if (!b || !chat) return invalid(ctx, 'Missing required parameter: profile_id and chat_id');
    const { form, error } = questionFields(ctx, a);
    if (error) return error;
    delete form!.name;
    return answer(ctx, await call(ctx, { method: 'POST', path: `${b}/${encodeURIComponent(chat)}/message/`, form }));
  },
};

export const aiTool: ToolSpec = {
  name: 'ai',
  description:
    'Ripley, read-only RAG over workspace/share content: ask, chats and messages. Scope (files_scope/folders_scope, needs intelligence) and files_attach (nodeId:versionId) are mutually exclusive.',
  actions: {
    ask,
    'chat-create': chatCreate,
    'chat-list': chatRest('Chats', 'GET', '/list/'),
    'chat-details': chatRest('A chat', 'GET', '/{chat_id}/details/'),
    'chat-update': chatRest('Rename a chat', 'POST', '/{chat_id}/update/'),
    'chat-delete': chatRest('Delete a chat', 'DELETE', '/{chat_id}/', true),
    'chat-publish': chatRest('Publish a chat', 'POST', '/{chat_id}/publish/'),
    'chat-cancel': chatRest('Cancel the running answer', 'POST', '/{chat_id}/cancel/'),
    'message-send': messageSend,
    'message-list': chatRest('Messages of a chat', 'GET', '/{chat_id}/messages/list/'),
    'message-details': chatRest('One message', 'GET', '/{chat_id}/message/{message_id}/details/'),
    'message-read': messageRead,
    'share-generate': rest('Generate a share from files', 'POST', '/workspace/{profile_id}/ai/share/'),
    transactions: rest('AI credit transactions', 'GET', `${C}/transactions/`),
    autotitle: rest('Suggest a share title', 'POST', `${C}/autotitle/`),
    search: rest('Search content', 'GET', '/{profile_type}/{profile_id}/storage/search/', { fields: { search: ['query', 'search'] } }),
  },
};

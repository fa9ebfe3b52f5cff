/**
 * The records of AI chats (emulator/intelligence/): a chat of a workspace and its messages, with
 * the citations an answer gives. Kept beside model.ts, which re-exports them.
 */

export interface Chat {
  /** opaque id, type `9` */
  id: string;
  workspaceId: string;
  orgId: string;
  userId: string;
  type: 'chat' | 'chat_with_files';
  personality: 'concise' | 'detailed';
  name: string;
  filesScope: string | null;
  foldersScope: string | null;
  /** V2 (`/ai/agent/`): `private` or `public`; absent on April chats, which every member sees */
  privacy?: 'private' | 'public';
  /** V2: `user` or `agent`, fixed at creation; absent = `user` */
  kind?: 'user' | 'agent';
  /** attached files (`nodeId:versionId,...`), answered from their text without ingestion; absent = none */
  attachments?: string | null;
  /** a share's chat (intelligence/share-chat.ts): answered from that share's files only; absent = the workspace's */
  shareId?: string;
  created: number;
  updated: number;
  deleted: number | null;
}

export interface Citation {
  nodeId: string;
  versionId: string | null;
  passageId: string;
  page: number | null;
  snippet: string;
}

export interface ChatMessage {
  id: string;
  chatId: string;
  workspaceId: string;
  userId: string;
  question: string;
  personality: 'concise' | 'detailed';
  state: 'ready' | 'in_progress' | 'complete' | 'errored';
  responseText: string | null;
  citations: Citation[];
  tokens: number;
  credits: number;
  /** the files this message was answered from when they were attachments (`nodeId:versionId,...`) */
  attachments?: string | null;
  created: number;
  updated: number;
}

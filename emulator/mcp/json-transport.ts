/**
 * Streamable HTTP in its JSON-response form (MCP spec 2025-06-18 "Streamable HTTP": a POST of
 * JSON-RPC messages answered `application/json`), written small: one POST hands its messages to
 * the SDK's `Server` and answers the responses to its requests. The SDK's own
 * StreamableHTTPServerTransport converts every request to a web Request and back (through
 * @hono/node-server); measured here it cost 9-18 ms a call where the REST call costs under 2,
 * while the bar is 1.5x. No SSE stream is offered on GET (405, which the spec and the
 * SDK client accept); the `/sse` endpoint keeps the SDK's SSE transport.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

type Id = string | number;

export class JsonHttpTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  private readonly waiting = new Map<Id, (m: JSONRPCMessage) => void>();
  private closed = false;

  constructor(readonly sessionId: string) {}

  async start(): Promise<void> {}

  /** The server's responses go to the POST that asked; server-initiated messages have no stream here and are dropped. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (!('method' in message) && 'id' in message && message.id !== undefined && message.id !== null) {
      const answer = this.waiting.get(message.id);
      if (answer) {
        this.waiting.delete(message.id);
        answer(message);
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  }

  /** One POST's messages: the responses to its requests (none for notifications only). */
  async handle(messages: readonly JSONRPCMessage[]): Promise<JSONRPCMessage[]> {
    const answers: Promise<JSONRPCMessage>[] = [];
    for (const m of messages) {
      if ('method' in m && 'id' in m && m.id !== undefined && m.id !== null) {
        const id = m.id;
        answers.push(new Promise((resolve) => this.waiting.set(id, resolve)));
      }
    }
    for (const m of messages) this.onmessage?.(m);
    return Promise.all(answers);
  }
}

/**
 * Mentions in a comment body. PARITY: agent guide REFERENCE "Comments & Annotations": a mention is
 * `@[user:USER_ID:Display Name]` inside the body; the body limit counts the tags, the display-text
 * limit counts what a reader sees (the tag shown as `@Display Name`).
 */
const MENTION = /@\[user:([^:\]\s]{1,64}):([^\]]{0,200})\]/g;

export interface Mention {
  userId: string;
  name: string;
}

export function mentionsIn(body: string): Mention[] {
  const seen = new Map<string, Mention>();
  for (const m of body.matchAll(MENTION)) if (!seen.has(m[1]!)) seen.set(m[1]!, { userId: m[1]!, name: m[2]!.trim() });
  return [...seen.values()];
}

/** What a reader sees: every tag as `@Name`. */
export function displayText(body: string): string {
  return body.replace(MENTION, (_all, _id: string, name: string) => `@${name.trim()}`);
}

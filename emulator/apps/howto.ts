/**
 * How-to answers (V2 `POST /current/how-to/`). PARITY: official client 96b1551 src/api/howto.rs
 * (form fields `question` 1-2,000 characters after trimming, optional `context` at most 8,000,
 * optional `surface`: `mcp`, `code`, anything else the REST phrasing) and the agent guide v2.6
 * ("Ask how-to"): free, explain-only, any signed-in user, no org; two 200 shapes,
 * `{status: "answer", answer, escalated, topics_used}` and
 * `{status: "needs_clarification", questions[]}`; an invalid question answers code 147185.
 *
 * CHOICE: answers come from the emulator's own corpus (howto-topics.ts), chosen by the words of
 * the question (a keyword of the topic at least; the context is background and only breaks ties), deterministic, never escalated;
 * a question that matches no topic, or two topics equally and weakly, asks which one is meant.
 */
import { ApiError } from '../http/errors.js';
import { HOWTO_CORPUS_VERSION, HOWTO_TOPICS, type HowToStep, type HowToTopic } from './howto-topics.js';

export const HOWTO_QUESTION_MAX = 2000;
export const HOWTO_CONTEXT_MAX = 8000;
/** PARITY: official client 96b1551 src/api/howto.rs: the server's code for a question it refuses. */
export const HOWTO_INVALID_CODE = 147185;

const STOP = new Set([
  'how',
  'do',
  'does',
  'i',
  'a',
  'an',
  'the',
  'to',
  'of',
  'in',
  'on',
  'for',
  'with',
  'my',
  'me',
  'can',
  'is',
  'and',
  'or',
  'what',
  'it',
  'about',
  'your',
  'you',
  'tell',
  'this',
  'that',
]);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !STOP.has(w))
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

function score(topic: HowToTopic, ws: ReadonlySet<string>): number {
  const title = new Set(words(topic.title));
  let n = 0;
  for (const w of ws) {
    if (topic.keywords.includes(w)) n += 2;
    else if (title.has(w)) n += 1;
  }
  return n;
}

export interface HowToInput {
  question?: string | undefined;
  context?: string | undefined;
  surface?: string | undefined;
}

function invalid(text: string, field: string): ApiError {
  return new ApiError(400, HOWTO_INVALID_CODE, text, { params: [{ name: field, kind: 'invalid', code: HOWTO_INVALID_CODE, message: text }] });
}

function stepLine(step: HowToStep, surface: string | undefined, i: number): string {
  if (surface === 'mcp') return `${i + 1}. ${step.say} \`${step.mcp}\``;
  const [method, path] = step.rest.split(' ', 2) as [string, string];
  if (surface === 'code') return `${i + 1}. ${step.say} \`execute method="${method}" path="${path}"\``;
  return `${i + 1}. ${step.say} \`${step.rest}\``;
}

function render(topic: HowToTopic, surface: string | undefined): string {
  const lines = [`## ${topic.title}`, '', topic.summary, '', ...topic.steps.map((s, i) => stepLine(s, surface, i))];
  if (topic.notes?.length) lines.push('', ...topic.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

export function askHowTo(input: HowToInput): Record<string, unknown> {
  const question = (input.question ?? '').trim();
  if (question.length === 0) throw invalid('The how-to question must not be blank.', 'question');
  if ([...question].length > HOWTO_QUESTION_MAX) throw invalid(`The how-to question must be at most ${HOWTO_QUESTION_MAX} characters.`, 'question');
  if (input.context !== undefined && [...input.context].length > HOWTO_CONTEXT_MAX) {
    throw invalid(`The how-to context must be at most ${HOWTO_CONTEXT_MAX} characters.`, 'context');
  }
  const asked = new Set(words(question));
  const background = new Set(words(input.context ?? ''));
  const ranked = HOWTO_TOPICS.map((topic) => ({ topic, score: score(topic, asked) * 10 + score(topic, background) }))
    .filter((r) => r.score >= 20)
    .sort((a, b) => b.score - a.score || a.topic.id.localeCompare(b.topic.id));
  const best = ranked[0];
  if (!best) {
    return {
      status: 'needs_clarification',
      questions: ['Which part of the API is this about? The emulator answers questions on: ' + HOWTO_TOPICS.map((t) => t.title.toLowerCase()).join('; ') + '.'],
      corpus_version: HOWTO_CORPUS_VERSION,
    };
  }
  const tied = ranked.filter((r) => r.score === best.score);
  if (tied.length > 1 && best.score < 40) {
    return {
      status: 'needs_clarification',
      questions: [`Do you mean ${tied.map((r) => `"${r.topic.title}"`).join(' or ')}?`],
      corpus_version: HOWTO_CORPUS_VERSION,
    };
  }
  const used = tied.slice(0, 2).map((r) => r.topic);
  return {
    status: 'answer',
    answer: used.map((t) => render(t, input.surface)).join('\n\n'),
    escalated: false,
    topics_used: used.map((t) => t.id),
    corpus_version: HOWTO_CORPUS_VERSION,
  };
}

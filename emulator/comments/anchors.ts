/**
 * Anchoring references (where on the file a comment points). PARITY: agent guide REFERENCE
 * "Comments & Annotations": image regions, video/audio timestamps or ranges, PDF pages with
 * optional selected text; the official client sends the object as given (`--reference` JSON, its
 * test: `{ "type": "page", "page": 3 }`). CHOICE: the four known types have their fields checked;
 * an object of another or no `type` is kept as sent.
 */
import { Errors } from '../http/errors.js';

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function checkReference(ref: Record<string, unknown>): void {
  const bad = (why: string) => Errors.invalidField('reference', why);
  switch (ref.type) {
    case 'page':
      if (!Number.isInteger(ref.page) || (ref.page as number) < 1) throw bad('A page reference needs `page`, an integer from 1.');
      if (ref.text !== undefined && typeof ref.text !== 'string') throw bad("A page reference's `text` is a string.");
      return;
    case 'timestamp':
      if (!num(ref.timestamp) || ref.timestamp < 0) throw bad('A timestamp reference needs `timestamp`, seconds from 0.');
      return;
    case 'range':
      if (!num(ref.start) || !num(ref.end) || ref.start < 0 || ref.end < ref.start)
        throw bad('A range reference needs `start` and `end`, seconds, start <= end.');
      return;
    case 'region':
      for (const k of ['x', 'y', 'width', 'height']) {
        const v = ref[k];
        if (!num(v) || v < 0 || v > 1) throw bad(`A region reference needs \`${k}\`, a fraction from 0 to 1.`);
      }
      return;
    default:
      return;
  }
}

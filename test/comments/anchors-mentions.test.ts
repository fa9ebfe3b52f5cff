/**
 * Anchoring references and mentions (emulator/comments/anchors.ts, mentions.ts): the four
 * reference types the agent guide names are checked field by field, others kept as sent; mention
 * tags are found once per user and shown as `@Name`.
 */
import { describe, expect, it } from 'vitest';
import { checkReference } from '../../emulator/comments/anchors.js';
import { displayText, mentionsIn } from '../../emulator/comments/mentions.js';
import { ApiError } from '../../emulator/http/errors.js';

const refused = (ref: Record<string, unknown>) => {
  try {
    checkReference(ref);
    return false;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return err.status === 400 && err.code === 1605;
  }
};

describe('anchoring references', () => {
  it.each([
    [{ type: 'page', page: 3 }],
    [{ type: 'page', page: 1, text: 'the selected words' }],
    [{ type: 'timestamp', timestamp: 12.5 }],
    [{ type: 'range', start: 1, end: 1 }],
    [{ type: 'region', x: 0, y: 0.25, width: 0.5, height: 1 }],
    [{ type: 'custom', anything: true }],
    [{ note: 'no type' }],
  ])('accepts %j', (ref) => expect(refused(ref)).toBe(false));

  it.each([
    [{ type: 'page', page: 0 }],
    [{ type: 'page', page: 2.5 }],
    [{ type: 'page', page: 2, text: 7 }],
    [{ type: 'timestamp', timestamp: -1 }],
    [{ type: 'range', start: 5, end: 4 }],
    [{ type: 'region', x: 0, y: 0, width: 1.5, height: 1 }],
    [{ type: 'region', x: 0, y: 0, width: 1 }],
  ])('refuses %j with 400/1605', (ref) => expect(refused(ref)).toBe(true));
});

describe('mentions', () => {
  it('finds each mentioned user once and shows the tags as names', () => {
    const body = 'Hi @[user:u1:Pat Member], see @[user:u2: Sam ] and again @[user:u1:Pat]';
    expect(mentionsIn(body)).toEqual([
      { userId: 'u1', name: 'Pat Member' },
      { userId: 'u2', name: 'Sam' },
    ]);
    expect(displayText(body)).toBe('Hi @Pat Member, see @Sam and again @Pat');
    expect(mentionsIn('an email@[example] is not a mention')).toEqual([]);
  });
});

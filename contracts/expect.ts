/**
 * Assertions shared by every suite and test of the repo (contract suites import only `contracts/`,
 * so it lives here; `test/` imports it too).
 */
import { expect } from 'vitest';

/** What `expectApiError` reads: an ApiResponse, or anything with the same status, body and text. */
export interface ErrorAnswer {
  status: number;
  body: { result?: unknown; error?: { code?: unknown; text?: unknown } };
  text: string;
}

/**
 * The live error envelope with this status and code: `{result: false, error: {code, text}}`.
 * PARITY: ../shared/fastio-api.md "Wire format": an error is `{"result": false, "error": {"code":
 * <number>, "text": "<message>", ...}}`, with the HTTP status of the table there. One comparison, so a failure shows all four at once, with
 * the answer's text as the message.
 */
export function expectApiError(res: ErrorAnswer, status: number, code: number): void {
  expect({ status: res.status, result: res.body.result, code: res.body.error?.code, text: typeof res.body.error?.text }, res.text.slice(0, 2_000)).toEqual({
    status,
    result: false,
    code,
    text: 'string',
  });
}

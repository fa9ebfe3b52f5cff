/**
 * Stage 9, errors: every failure of any stage, rendered once in the live envelope
 * `{result:false, error:{code, text, params?}}`. A body parser's own 4xx is mapped to the
 * envelope; anything that is not an `ApiError` becomes a logged 500 in the same envelope.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Emulator } from '../emulator.js';
import { bodyError, isBodyParserError } from './body.js';
import { ApiError, Errors } from './errors.js';
import { contextOf, identify } from './request-context.js';
import type { Responder } from './respond.js';
import { errorMarkdown, MARKDOWN_TYPE, outputOf } from './output.js';

export function errorStage(emulator: Emulator, responder: Responder) {
  const { config } = emulator;
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let apiError: ApiError;
    if (err instanceof ApiError) apiError = err;
    else if (isBodyParserError(err)) apiError = bodyError(err, config.bodyLimitBytes);
    else {
      emulator.log.error({ err, method: req.method, path: req.path }, 'unexpected error');
      apiError = Errors.internal();
    }
    const ctx = contextOf(res) ?? identify(req, res, emulator.log, emulator.clock);
    if (res.headersSent) {
      res.end();
      responder.finish(ctx, res.statusCode);
      return;
    }
    apiError.resource ??= `${req.method} ${req.path}`;
    // `?output=...,markdown` (http/output.ts): the envelope as a `# Error` section.
    if (outputOf(res)?.markdown) {
      responder.renderError(res, ctx, apiError.status, errorMarkdown({ ...apiError.toBody() }), apiError.headers, MARKDOWN_TYPE);
      return;
    }
    responder.renderError(res, ctx, apiError.status, JSON.stringify({ result: false, error: apiError.toBody() }), apiError.headers);
  };
}

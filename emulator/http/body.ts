/**
 * Stage 5, body: form-encoded, JSON or multipart, parsed by express's and multer's parsers (they
 * are why express stays, see app.ts); too large -> 413, malformed -> 400, never a 5xx.
 */
import express, { type Request, type Response } from 'express';
import type { EmulatorConfig } from '../config.js';
import { ApiError, Codes, Errors } from './errors.js';
import type { AnyRoute, UploadedFile } from './route.js';

const STATE_IMPORT_LIMIT_BYTES = 512 * 1024 * 1024;
const JSON_TYPES = ['application/json', 'application/*+json'];

interface BodyParserError {
  type?: string;
  status?: number;
  code?: string;
}

/** Is this a body parser's (or multer's) own 4xx, which `bodyError` maps to the envelope? */
export function isBodyParserError(err: unknown): boolean {
  const e = err as BodyParserError;
  return Boolean(e && typeof e === 'object' && typeof e.status === 'number' && e.status >= 400 && e.status < 500);
}

/** Map body-parser and multer failures to the live envelope (4xx, never 5xx). */
export function bodyError(err: unknown, limit: number): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as BodyParserError & Error;
  if (e.type === 'entity.too.large' || e.code === 'LIMIT_FILE_SIZE' || e.code === 'LIMIT_FIELD_VALUE') return Errors.payloadTooLarge(limit);
  if (e.type === 'entity.parse.failed') return Errors.badRequest('The request body is not valid JSON.');
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
    return Errors.badRequest(`The request body encoding is not supported: ${e.message}`);
  if (e.type === 'request.aborted' || e.type === 'request.size.invalid') return Errors.badRequest('The request body was incomplete.');
  if (typeof e.code === 'string' && e.code.startsWith('LIMIT_')) return Errors.badRequest(`The multipart body exceeds a limit: ${e.message}`);
  return Errors.badRequest(`The request body could not be parsed: ${e.message ?? 'malformed'}`);
}

/** Run a connect-style middleware as a promise. */
function runMiddleware(mw: (req: Request, res: Response, next: (err?: unknown) => void) => void, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => mw(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
}

export class BodyParser {
  private readonly json: express.RequestHandler;
  // State imports through the control plane are whole exports: they get a larger allowance.
  private readonly controlJson: express.RequestHandler;
  private readonly form: express.RequestHandler;
  // multer is loaded on the first multipart request, so start-up does not pay for it.
  private multipartParser: Promise<express.RequestHandler> | undefined;
  private raw: express.RequestHandler | undefined;

  constructor(private readonly config: Readonly<Pick<EmulatorConfig, 'bodyLimitBytes' | 'uploadLimitBytes'>>) {
    this.json = express.json({ limit: config.bodyLimitBytes, strict: true, type: JSON_TYPES });
    this.controlJson = express.json({ limit: STATE_IMPORT_LIMIT_BYTES, strict: true, type: JSON_TYPES });
    this.form = express.urlencoded({ limit: config.bodyLimitBytes, extended: false, parameterLimit: 1000 });
  }

  private multipart(): Promise<express.RequestHandler> {
    const { uploadLimitBytes, bodyLimitBytes } = this.config;
    return (this.multipartParser ??= import('multer').then(({ default: multer }) =>
      multer({
        storage: multer.memoryStorage(),
        limits: { fileSize: uploadLimitBytes, fieldSize: bodyLimitBytes, files: 200, fields: 200, parts: 420 },
      }).any(),
    ));
  }

  /** A raw body (`rawBody` routes: a streamed upload), up to the upload limit, as one part named `body`. */
  private async readRaw(req: Request, res: Response, type: string): Promise<UploadedFile[]> {
    this.raw ??= express.raw({ limit: this.config.uploadLimitBytes, type: () => true });
    await runMiddleware(this.raw, req, res);
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    req.body = {};
    return [{ field: 'body', name: '', mimetype: type.split(';')[0] || 'application/octet-stream', size: data.length, data }];
  }

  /** Parse the body onto `req.body`; the uploaded files are returned. */
  async parse(req: Request, res: Response, route: AnyRoute): Promise<UploadedFile[]> {
    if (req.method === 'GET' || req.method === 'HEAD') return [];
    const { config } = this;
    const type = req.headers['content-type'] ?? '';
    // curl -d sends application/x-www-form-urlencoded: a JSON export parsed as a form would fail
    // with a message about its tables, so the content type is named instead.
    if (route.jsonBody && !type.includes('json') && (type !== '' || Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding']))
      throw new ApiError(
        415,
        Codes.invalidInput,
        `${req.method} ${req.path} takes a JSON body: send it with Content-Type: application/json (curl: -H 'Content-Type: application/json' --data-binary @state.json)${type ? `, not ${type.split(';')[0]}` : ''}.`,
      );
    try {
      if (type.startsWith('multipart/form-data')) {
        const declared = Number(req.headers['content-length'] ?? 0);
        if (declared > config.uploadLimitBytes + 64 * 1024) throw Errors.payloadTooLarge(config.uploadLimitBytes);
        await runMiddleware(await this.multipart(), req, res);
        const files = ((req as Request & { files?: Express.Multer.File[] }).files ?? []).map((f) => ({
          field: f.fieldname,
          name: f.originalname,
          mimetype: f.mimetype,
          size: f.size,
          data: f.buffer,
        }));
        if (files.length > 0 && !route.files) throw Errors.badRequest('This route does not accept file uploads.');
        return files;
      }
      if (route.rawBody && !type.startsWith('application/x-www-form-urlencoded') && !type.includes('json')) return await this.readRaw(req, res, type);
      if (type.includes('json')) await runMiddleware(route.area === 'control' ? this.controlJson : this.json, req, res);
      else if (type.startsWith('application/x-www-form-urlencoded')) await runMiddleware(this.form, req, res);
    } catch (err) {
      throw bodyError(err, type.startsWith('multipart/') ? config.uploadLimitBytes : config.bodyLimitBytes);
    }
    return [];
  }
}

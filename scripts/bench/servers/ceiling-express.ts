/**
 * The framework's ceiling: a minimal express 5 app with one route that checks the Bearer header
 * and answers the emulator's body. It does what every express app does and nothing else: the
 * body is serialised once at start, ETag and x-powered-by are off (as in the emulator), and form
 * bodies are parsed on write routes (the emulator parses them too).
 */
import express from 'express';
import { ceilingConfig, UNAUTHORIZED } from './ceiling-config.js';

const config = ceilingConfig();
const app = express();
app.disable('x-powered-by');
app.disable('etag');

const handler: express.RequestHandler = (req, res) => {
  res.setHeader('content-type', 'application/json; charset=utf-8');
  if (req.headers.authorization !== config.authorization) {
    res.status(401).end(UNAUTHORIZED);
    return;
  }
  res.end(config.body);
};

if (config.method === 'GET') app.get(config.path, handler);
else app[config.method.toLowerCase() as 'post' | 'put' | 'delete'](config.path, express.urlencoded({ extended: false }), handler);

const server = app.listen(config.port, '127.0.0.1');
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', () => server.close(() => process.exit(0)));

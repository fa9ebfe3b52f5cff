/**
 * The platform's ceiling: bare node:http answering the emulator's body for one route after the
 * same Bearer check, with no framework. Request bodies are read and dropped.
 */
import { createServer } from 'node:http';
import { ceilingConfig, UNAUTHORIZED } from './ceiling-config.js';

const config = ceilingConfig();
const notFound = JSON.stringify({ result: false, error: { code: 9992, text: 'unknown route' } });

const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json; charset=utf-8');
  const path = req.url?.split('?', 1)[0];
  if (req.method !== config.method || path !== config.path) {
    res.statusCode = 404;
    res.end(notFound);
    return;
  }
  if (req.headers.authorization !== config.authorization) {
    res.statusCode = 401;
    res.end(UNAUTHORIZED);
    return;
  }
  if (req.method === 'GET') res.end(config.body);
  else req.resume().once('end', () => res.end(config.body));
});
server.keepAliveTimeout = 65_000;
server.listen(config.port, '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));

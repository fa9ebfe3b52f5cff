/**
 * The platform's floor for the start-up benchmark: a bare node:http server that prints its URL
 * like the CLI does and answers 200 with a small JSON body.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = JSON.stringify({ result: true, status: 'ok', version: 'bare' });
const server = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(body);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`bare listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));

/**
 * The control plane's Host rule on the WebSocket upgrade (issue 14): a page that rebinds its own
 * name to this machine cannot open a socket through it. (A file of its own: a light-my-request app
 * in the same file gave the listener's upgrade requests the wrong prototype under vitest.)
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../emulator/index.js';

describe('the WebSocket upgrade', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ port: 0 });
  });
  afterAll(() => emu.close());

  // A raw handshake on a socket: the status line of the answer.
  const upgrade = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const socket = connect(emu.port, '127.0.0.1', () => {
        socket.write(
          `GET /api/websocket/?token=x HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
            'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        );
      });
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
        if (m) {
          socket.destroy();
          resolve(Number(m[1]));
        }
      });
      socket.on('error', reject);
    });

  it('refuses a foreign Host with 403, and reaches authentication with its own', async () => {
    expect(await upgrade('evil.example')).toBe(403);
    expect(await upgrade(`127.0.0.1:${emu.port}`)).toBe(401);
  });
});

import { defineRoute } from '../http/define.js';
import { VERSION } from '../version.js';

/**
 * The health check and the service status, as the official client calls them: no credentials
 * (client 96b1551 / 41dde01 src/api/system.rs `ping`, `system_status`: "does not require
 * authentication"). A Bearer sent anyway is not checked (CHOICE: a health probe never fails on a
 * stale token).
 */
const SOURCE = 'MediaFire/fastio_cli src/api/system.rs (96b1551, 41dde01)';

export const systemRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/ping/',
    area: 'system',
    summary: 'Health check: answers pong with the emulator clock',
    auth: 'none',
    parity: {
      status: 'implemented',
      source: `${SOURCE} ping`,
      choices: ['answer {pong: true, time} (time: the emulator clock, ISO 8601)'],
    },
    handler: (_ctx, _i, emu) => ({ pong: true, time: emu.clock.nowIso() }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/system/status/',
    area: 'system',
    summary: 'Service status: every component operational (the emulator is one process)',
    auth: 'none',
    parity: {
      status: 'implemented',
      source: `${SOURCE} system_status`,
      choices: [
        'answer {status: operational, components: {api, storage, intelligence, events}: operational, version, dialect, time}',
        'a fault injected through the control plane does not change it (faults are per request)',
      ],
    },
    handler: (_ctx, _i, emu) => ({
      status: 'operational',
      components: { api: 'operational', storage: 'operational', intelligence: 'operational', events: 'operational' },
      version: VERSION,
      dialect: emu.config.apiDialect,
      time: emu.clock.nowIso(),
    }),
  }),
];

/**
 * The control routes that set up and move the emulator's state: health, reset, state export and
 * import, personas, the mailbox, the clock. Grouped apart from what only reads the emulator
 * (inspect-routes.ts) so each file stays one job; composed by controlRoutes (routes.ts).
 */
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { parseTime } from '../http/format.js';
import { StreamResponse, type AnyRoute } from '../http/route.js';
import { VERSION } from '../version.js';
import type { ControlDeps } from './routes.js';
import { clockAdvanceBody, clockSetBody, mailboxQuery, personaBody, stateImportBody } from './schema.js';

const emulatorOnly = { status: 'implemented', source: 'emulator control plane (no live counterpart)' } as const;

export function stateRoutes(deps: ControlDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/_emulator/health',
      area: 'control',
      summary: 'Liveness, version and persistence status',
      auth: 'none',
      emulatorOnly: true,
      // Open under --control-token (issue 14): container health checks carry no token, and the
      // answer holds nothing secret (status, version, dialect, the data file's state).
      publicAsset: true,
      parity: emulatorOnly,
      handler: (_ctx, _i, emu) => {
        const p = deps.persistence();
        return {
          status: p?.status === 'degraded' ? 'degraded' : 'ok',
          version: VERSION,
          api_dialect: emu.config.apiDialect,
          ...(p ? { persistence: p } : {}),
        };
      },
    }),

    defineRoute({
      method: 'POST',
      path: '/_emulator/reset',
      area: 'control',
      summary: 'Empty the state: users, orgs, everything (the request journal and fault rules too)',
      auth: 'none',
      emulatorOnly: true,
      parity: emulatorOnly,
      // The instance's own reset, nothing more: `emulator.reset()` in process leaves the same state
      // (test/control/reset-parity.test.ts).
      handler: (_ctx, _i, emu) => emu.reset(),
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/state',
      area: 'control',
      summary: 'Export the whole state as JSON (streamed: the files\u2019 bytes as base64 in a `blobContent` table)',
      auth: 'none',
      emulatorOnly: true,
      parity: emulatorOnly,
      // Streamed in pieces (emulator.exportChunks): a state holding a GB of files answers without
      // building a GB string; the same bytes `{"result":true,"state":{...}}` as before.
      handler: (_ctx, _i, emu) =>
        new StreamResponse(function* () {
          yield '{"result":true,"state":';
          yield* emu.exportChunks();
          yield '}';
        }, 'application/json; charset=utf-8'),
    }),

    defineRoute({
      method: 'PUT',
      path: '/_emulator/state',
      area: 'control',
      summary: 'Import a state (the body is an export, or {"state": export})',
      auth: 'none',
      emulatorOnly: true,
      // curl -d sends application/x-www-form-urlencoded: a JSON export parsed as a form would
      // fail with a message about tables, so the content type is named instead.
      jsonBody: true,
      body: stateImportBody,
      parity: emulatorOnly,
      handler: (_ctx, { body }, emu) => {
        const doc = 'state' in body && body.state && typeof body.state === 'object' ? body.state : body;
        try {
          emu.importState(doc, 'the imported state');
        } catch (e) {
          throw Errors.badRequest((e as Error).message);
        }
      },
    }),

    defineRoute({
      method: 'POST',
      path: '/_emulator/users/',
      area: 'control',
      summary: 'Create a ready persona: verified user, API key and JWT',
      auth: 'none',
      emulatorOnly: true,
      body: personaBody,
      parity: emulatorOnly,
      handler: async (_ctx, { body }, emu) => {
        const tag = emu.ids.secret(8).toLowerCase();
        const email = body.email ?? `persona-${tag}@personas.emulator.test`;
        const password = body.password ?? `pw-${emu.ids.secret(16)}`;
        const user = await emu.users.signUp({
          email,
          password,
          accountType: body.account_type ?? 'agent',
          firstName: body.first_name ?? 'Persona',
          lastName: body.last_name ?? tag,
        });
        if (body.verified ?? true) emu.users.markVerified(user.id);
        const { secret } = emu.users.createApiKey(user, { memo: 'emulator persona' });
        const { token } = await emu.users.issueToken(user.id);
        return { user_id: user.id, email_address: user.email, password, account_type: user.accountType, api_key: secret, auth_token: token };
      },
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/mailbox/',
      area: 'control',
      summary: "Messages the emulator 'sent' (verification codes, invitations), newest first",
      auth: 'none',
      emulatorOnly: true,
      query: mailboxQuery,
      parity: emulatorOnly,
      handler: (_ctx, { query }, emu) => ({
        messages: emu.mailer.list(query.to).map((m) => ({
          id: m.id,
          to: m.to,
          subject: m.subject,
          kind: m.kind,
          code: m.code,
          body: m.body,
          created: new Date(m.created).toISOString(),
        })),
      }),
    }),

    defineRoute({
      method: 'GET',
      path: '/_emulator/clock',
      area: 'control',
      summary: 'The emulator clock',
      auth: 'none',
      emulatorOnly: true,
      parity: emulatorOnly,
      handler: (_ctx, _i, emu) => ({ now: emu.clock.nowIso(), offset_ms: emu.clock.offset }),
    }),

    defineRoute({
      method: 'POST',
      path: '/_emulator/clock',
      area: 'control',
      summary: 'Set the clock to a later time (never backwards)',
      auth: 'none',
      emulatorOnly: true,
      body: clockSetBody,
      parity: emulatorOnly,
      handler: (_ctx, { body }, emu) => {
        const ms = parseTime(body.now);
        if (ms === undefined) throw Errors.invalidField('now', 'Expected an ISO 8601 time.', 'string');
        if (ms < emu.clock.now())
          throw Errors.invalidField('now', 'The clock only moves forward: the time given is earlier than the emulator clock.', 'string');
        emu.clock.set(ms);
        return { now: emu.clock.nowIso() };
      },
    }),

    defineRoute({
      method: 'POST',
      path: '/_emulator/clock/advance',
      area: 'control',
      summary: 'Move the clock forward by `seconds`',
      auth: 'none',
      emulatorOnly: true,
      body: clockAdvanceBody,
      parity: emulatorOnly,
      handler: (_ctx, { body }, emu) => {
        emu.clock.advance(body.seconds);
        return { now: emu.clock.nowIso() };
      },
    }),
  ];
}

/**
 * The apps routes (both dialects) and the how-to route (V2). Rules and data in catalogue.ts,
 * howto.ts and howto-topics.ts; this file is HTTP only.
 */
import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { lazy } from '../http/schema.js';
import { APPS, APPS_CATALOGUE_VERSION, appById, appJson, appResourceUri, APP_MIME_TYPE, CLIENT_TOOL_NAMES, launchHtml } from './catalogue.js';
import { askHowTo } from './howto.js';

const APPS_SOURCE = 'official client 96b1551 and 41dde01 src/api/apps.rs, commands/apps.rs, mcp/tools.rs handle_apps';
const HOWTO_SOURCE = 'official client 96b1551 src/api/howto.rs, commands/howto.rs; agent guide v2.6 SKILL.md "Ask how-to"';
const CATALOGUE_CHOICE =
  "the catalogue is the emulator's own (the sources name no app): six apps, `apps` with id, name, description, version, tools, context_types, resource_uri, mime_type";

const appParams = lazy(() => z.object({ app_id: z.string().min(1).max(100) }));
const toolParams = lazy(() => z.object({ tool_name: z.string().min(1).max(100) }));
const launchBody = lazy(() =>
  z.object({ context_type: z.enum(['workspace', 'share'], { message: 'Expected "workspace" or "share".' }), context_id: z.string().min(1).max(100) }),
);
const howToBody = lazy(() =>
  z.object({ question: z.string().max(100_000).optional(), context: z.string().max(100_000).optional(), surface: z.string().max(50).optional() }),
);

function app(id: string) {
  const found = appById(id);
  if (!found) throw Errors.notFound('app');
  return found;
}

export const appRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/apps/list/',
    area: 'apps',
    auth: 'none',
    summary: 'The apps (interactive widgets) there are',
    parity: { status: 'implemented', source: APPS_SOURCE, choices: [CATALOGUE_CHOICE, 'no sign-in needed (the client asks without a token)'] },
    handler: () => ({ apps: APPS.map(appJson), version: APPS_CATALOGUE_VERSION }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/apps/:app_id/details/',
    area: 'apps',
    auth: 'none',
    summary: 'One app',
    params: appParams,
    parity: { status: 'implemented', source: APPS_SOURCE, choices: [CATALOGUE_CHOICE, 'an unknown app answers 404/1609'] },
    handler: (_ctx, { params }) => ({ app: appJson(app(params.app_id)) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/apps/tool/:tool_name/',
    area: 'apps',
    auth: 'none',
    summary: 'The apps that show the results of one MCP tool',
    params: toolParams,
    parity: {
      status: 'implemented',
      source: APPS_SOURCE,
      choices: [CATALOGUE_CHOICE, 'a tool name the client does not have answers 404/1609; a tool of the client without apps answers an empty list'],
    },
    handler: (_ctx, { params }) => {
      const tool = params.tool_name.toLowerCase();
      if (!(CLIENT_TOOL_NAMES as readonly string[]).includes(tool)) throw Errors.notFound('tool');
      return { tool_name: tool, apps: APPS.filter((a) => (a.tools as readonly string[]).includes(tool)).map(appJson) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/apps/:app_id/launch/',
    area: 'apps',
    summary: 'Launch an app in a workspace or share of the caller: the widget resource to render',
    params: appParams,
    body: launchBody,
    parity: {
      status: 'partial',
      source: APPS_SOURCE,
      choices: [
        CATALOGUE_CHOICE,
        'the context must be a workspace or share the caller may read (the tenancy and share refusals)',
        'an app launched in a context type it does not list answers 400/1605',
      ],
      divergences: [
        {
          path: 'resource.html',
          reason: "live answers Fast.io's widget bundle; the emulator answers a small static placeholder page naming the app and the context",
        },
      ],
    },
    handler: (ctx, { params, body }, emu) => {
      const found = app(params.app_id);
      const caller = callerOf(ctx);
      const place =
        body.context_type === 'workspace'
          ? emu.access.workspace(caller, body.context_id, 'workspace.storage.read').workspace
          : emu.shares.access.scope(caller, body.context_id, 'share.storage.read').share;
      const name = 'title' in place ? place.title : place.name;
      const contextId = place.id;
      if (!(found.contextTypes as readonly string[]).includes(body.context_type)) {
        throw Errors.invalidField('context_type', `The app ${found.id} launches in: ${found.contextTypes.join(', ')}.`);
      }
      return {
        app: appJson(found),
        context: { type: body.context_type, id: contextId, name },
        resource: { uri: appResourceUri(found), mime_type: APP_MIME_TYPE, html: launchHtml(found, body.context_type, contextId, name) },
      };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/how-to/',
    dialects: ['v2'],
    area: 'apps',
    summary: 'Ask a "how do I..." question about the API: an answer from the emulator\'s how-to corpus, or a request for clarification',
    body: howToBody,
    parity: {
      status: 'partial',
      source: HOWTO_SOURCE,
      choices: [
        "answers from the emulator's own versioned corpus (emulator/apps/howto-topics.ts), chosen by the question's words; deterministic; `escalated` always false; `topics_used` are topic ids; `corpus_version` added",
        'a blank question, one over 2,000 characters or a context over 8,000 answers 400/147185',
        'free and org-less: any signed-in user, no plan gate, no credits',
      ],
      divergences: [{ path: 'answer', reason: "live answers are generated over Fast.io's own how-to knowledge; the emulator answers its fixed topics" }],
    },
    handler: (_ctx, { body }) => askHowTo(body),
  }),
];

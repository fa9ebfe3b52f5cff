/**
 * Visitors of a share: password authentication and guest authentication, which hand back a
 * share-scoped token (shares/tokens.ts). The token opens the share routes that take one
 * (`auth: 'bearer-or-share-token'`) on that share alone, as a share guest; anywhere else it is no
 * credential (401/1650), and on another share 401/115069.
 *
 * PARITY: CHOICE throughout: the answer mirrors sign-in (`auth_token`, `expires_in`) with the
 * share's public face under `share`; a wrong password answers 401/1650, and after 10 wrong
 * passwords for one share in 15 minutes 429 (as sign-in does per address). Guest authentication
 * opens only a share open to the link without a password.
 */
import { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import { lazy } from '../http/schema.js';
import { verifyPassword } from '../users/passwords.js';
import { sharePublicJson } from './format.js';
import { LINK_ACCESS, shareParams } from './schema.js';
import type { Share } from '../store/share-model.js';
import type { Emulator } from '../emulator.js';

const SOURCE = 'official client src/api/share.rs password_auth_share, guest_auth (96b1551, 41dde01)';
const TOKEN_CHOICES = [
  'answers `auth_token` (a share-scoped token, one hour on the emulator clock), `expires_in` and the public `share`',
  'the token reads share details (and, once built, share storage) of that share as a guest; another share answers 401/115069, any other route 401/1650',
  'changing or clearing the password ends the tokens made with the old one; tokens are signed with a secret of this instance, so a restart ends them',
  'an archived, expired or deleted share gives no token (401/115069, 404/1609)',
];

const passwordBody = lazy(() => z.object({ password: z.string().min(1).max(256) }));

/** The share a visitor may authenticate to: live, open to the link, unarchived, unexpired. */
function visitable(emu: Emulator, ref: string): Share {
  const found = emu.shares.access.find(ref);
  if (!found) throw Errors.notFound('share');
  const { share } = found;
  if (share.accessOptions !== LINK_ACCESS || share.archived || emu.shares.access.expired(share)) throw Errors.notShared();
  return share;
}

function tokenAnswer(emu: Emulator, share: Share, how: 'password' | 'guest') {
  const { token, expiresIn } = emu.shares.access.tokens.issue(share, how);
  return { auth_token: token, expires_in: expiresIn, share: sharePublicJson(share) };
}

export const shareVisitorRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/auth/password/',
    area: 'shares',
    auth: 'bearer-optional',
    summary: "A visitor gives a password-protected share's password and gets a token for that share",
    params: shareParams,
    body: passwordBody,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        ...TOKEN_CHOICES,
        'a share without a password answers 400/1605 (use auth/guest/)',
        'a wrong password 401/1650; 10 wrong in 15 minutes per share 429',
      ],
    },
    handler: async (_ctx, { params, body }, emu) => {
      const share = visitable(emu, params.share_id);
      if (!share.passwordHash) throw Errors.invalidField('password', 'This share has no password: authenticate as a guest (auth/guest/).');
      const tokens = emu.shares.access.tokens;
      const wait = tokens.attempt(share.id);
      if (wait !== undefined) throw Errors.rateLimited(wait);
      const ok = await verifyPassword(body.password, share.passwordHash);
      // The share as it is after the wait: its password may have changed meanwhile.
      const current = visitable(emu, share.id);
      if (!ok || current.passwordHash !== share.passwordHash) throw Errors.unauthenticated('The share password is incorrect.');
      tokens.succeeded(share.id);
      return tokenAnswer(emu, current, 'password');
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/auth/guest/',
    area: 'shares',
    auth: 'bearer-optional',
    summary: 'A visitor of a share open to the link (without a password) gets a guest token for it',
    params: shareParams,
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [...TOKEN_CHOICES, 'a password-protected share answers 401/1650 (use auth/password/); a share not open to the link 401/115069'],
    },
    handler: (_ctx, { params }, emu) => {
      const share = visitable(emu, params.share_id);
      if (share.passwordHash) throw Errors.unauthenticated('This share is protected by a password: authenticate with auth/password/.');
      return tokenAnswer(emu, share, 'guest');
    },
  }),
];

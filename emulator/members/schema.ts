import { z } from 'zod';
import { lazy, paginationQuery } from '../http/schema.js';

const ref = () => z.string().trim().min(1).max(320);

export const orgMemberParams = lazy(() => z.object({ org_id: z.string().min(1).max(100), member: ref() }));
export const workspaceMemberParams = lazy(() => z.object({ workspace_id: z.string().min(1).max(100), member: ref() }));

/** PARITY: `permissions` is the role field (official client src/api/member.rs, default `member`). */
export const orgMemberAddBody = lazy(() => z.object({ permissions: z.enum(['admin', 'member']).optional() }));
export const orgMemberUpdateBody = lazy(() => z.object({ permissions: z.enum(['admin', 'member']) }));
export const workspaceMemberAddBody = lazy(() => z.object({ permissions: z.enum(['admin', 'member', 'guest']).optional() }));
export const workspaceMemberUpdateBody = lazy(() => z.object({ permissions: z.enum(['admin', 'member', 'guest']) }));

export const memberListQuery = lazy(() => z.object({ ...paginationQuery, status: z.enum(['active', 'pending']).optional() }));

// ---- share members (official client src/api/share.rs add_share_member, src/api/member.rs, src/api/invitation.rs)
const SHARE_GRANTABLE = ['admin', 'member', 'guest', 'view'] as const;
export const shareMemberParams = lazy(() => z.object({ share_id: z.string().min(1).max(100), member: ref() }));
/**
 * PARITY: `permissions` (admin, member, guest, view; default member). The client also sends
 * notify_options, expires, force_notification, message and invitation_expires: accepted, CHOICE:
 * not emulated (no notifications, memberships do not expire).
 */
export const shareMemberAddBody = lazy(() =>
  z.object({
    permissions: z.enum(SHARE_GRANTABLE).optional(),
    notify_options: z.string().max(100).optional(),
    expires: z.string().max(64).optional(),
    force_notification: z.string().max(10).optional(),
    message: z.string().max(2000).optional(),
    invitation_expires: z.string().max(64).optional(),
  }),
);
export const shareMemberUpdateBody = lazy(() =>
  z.object({ permissions: z.enum(SHARE_GRANTABLE).optional(), notify_options: z.string().max(100).optional(), expires: z.string().max(64).optional() }),
);

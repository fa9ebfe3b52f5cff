import { z } from 'zod';
import { lazy, paginationQuery } from '../http/schema.js';

const ref = () => z.string().trim().min(1).max(320);

export const orgMemberParams = lazy(() => z.object({ org_id: z.string().min(1).max(100), member: ref() }));
export const workspaceMemberParams = lazy(() => z.object({ workspace_id: z.string().min(1).max(100), member: ref() }));
export const orgInvitationParams = lazy(() => z.object({ org_id: z.string().min(1).max(100), invitation_id: z.string().min(1).max(64) }));

/** PARITY: `permissions` is the role field (official client src/api/member.rs, default `member`). */
export const orgMemberAddBody = lazy(() => z.object({ permissions: z.enum(['admin', 'member']).optional() }));
export const orgMemberUpdateBody = lazy(() => z.object({ permissions: z.enum(['admin', 'member']) }));
export const workspaceMemberAddBody = lazy(() => z.object({ permissions: z.enum(['admin', 'member', 'guest']).optional() }));
export const workspaceMemberUpdateBody = lazy(() => z.object({ permissions: z.enum(['admin', 'member', 'guest']) }));

export const memberListQuery = lazy(() => z.object({ ...paginationQuery, status: z.enum(['active', 'pending']).optional() }));

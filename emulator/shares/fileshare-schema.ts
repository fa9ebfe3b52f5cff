/**
 * Fileshare and QuickShare inputs. PARITY: fields from the V2 client's builders (96b1551
 * src/api/fileshare.rs `CreateFileShareParams::to_form`, `UpdateFileShareParams::to_form`,
 * `GrantParams::to_form`/`to_query`: form-encoded, the grant DELETE in the query) and the April
 * client's `create_quickshare` (41dde01 src/api/share.rs: JSON `expires` or `expires_at`).
 */
import { z } from 'zod';
import { formInt, lazy, paginationQuery, text } from '../http/schema.js';

export const FILESHARE_ACCESS_OPTIONS = ['anyone_with_link', 'any_registered', 'named_people'] as const;
export const FILESHARE_CAPABILITIES = ['view', 'download', 'edit'] as const;
/** PARITY: 96b1551 src/api/fileshare.rs MAX_EXPIRES_SECS (~100 years). */
export const MAX_EXPIRES_SECS = 3_155_760_000;

export const fileshareParams = lazy(() => z.object({ fileshare_id: z.string().min(1).max(100) }));
export const fileshareVersionParams = lazy(() => z.object({ fileshare_id: z.string().min(1).max(100), version_id: z.string().min(1).max(100) }));
export const quickshareParams = lazy(() => z.object({ quickshare_id: z.string().min(1).max(100) }));
export const fileshareListQuery = lazy(() => z.object(paginationQuery));

const expires = () => formInt({ min: 1, max: MAX_EXPIRES_SECS });

export const fileshareCreateBody = lazy(() =>
  z.object({
    node: z.string().trim().min(1).max(100),
    title: text({ min: 1, max: 255 }).optional(),
    access_option: z.enum(FILESHARE_ACCESS_OPTIONS).optional(),
    password: z.string().min(1).max(255).optional(),
    expires: expires().optional(),
    expires_at: z.string().trim().min(1).max(40).optional(),
  }),
);

/** `password=""` clears the password, `expires_at=""` the expiry (96b1551 `UpdateFileShareParams::to_form`). */
export const fileshareUpdateBody = lazy(() =>
  z.object({
    title: text({ min: 1, max: 255 }).optional(),
    access_option: z.enum(FILESHARE_ACCESS_OPTIONS).optional(),
    password: z.string().max(255).optional(),
    expires: expires().optional(),
    expires_at: z.string().trim().max(40).optional(),
  }),
);

export const grantAddBody = lazy(() =>
  z.object({
    user: z.string().trim().min(1).max(40).optional(),
    email: z.string().trim().email().max(254).optional(),
    capability: z.enum(FILESHARE_CAPABILITIES),
  }),
);

export const grantRemoveQuery = lazy(() =>
  z.object({
    user: z.string().trim().min(1).max(40).optional(),
    email: z.string().trim().email().max(254).optional(),
  }),
);

export const quickshareCreateBody = lazy(() =>
  z.object({
    expires: expires().optional(),
    expires_at: z.string().trim().min(1).max(40).optional(),
  }),
);

export type FileshareCreateInput = z.output<ReturnType<typeof fileshareCreateBody>>;
export type FileshareUpdateInput = z.output<ReturnType<typeof fileshareUpdateBody>>;
export type GrantInput = z.output<ReturnType<typeof grantRemoveQuery>>;

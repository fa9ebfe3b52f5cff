/**
 * Share inputs, per dialect. PARITY: fields from the official client's share builders
 * (96b1551 src/api/share.rs `build_create_share_form`, `build_update_share_form`; 41dde01
 * src/api/share.rs `create_share`, `update_share`) and the agent guide's share section (v1.29
 * "Shares", "Permission Values").
 */
import { z } from 'zod';
import type { CamelKeys } from '../camel-case.js';
import { displayName, formBool, formInt, lazy, paginationQuery, text } from '../http/schema.js';

/** PARITY: agent guide v1.29 "Permission Values", share `access_options`. */
export const SHARE_ACCESS_OPTIONS = [
  'Only members of the Share or Workspace',
  'Members of the Share, Workspace or Org',
  'Anyone with a registered account',
  'Anyone with the link',
] as const;
export type ShareAccessOption = (typeof SHARE_ACCESS_OPTIONS)[number];
export const LINK_ACCESS: ShareAccessOption = 'Anyone with the link';

export const SHARE_TYPES = ['send', 'receive', 'exchange'] as const;
export const DOWNLOAD_SECURITY = ['off', 'medium', 'high'] as const;
export const SHARE_INVITE = ['owners', 'guests'] as const;
export const SHARE_NOTIFY = ['never', 'notify_on_file_received', 'notify_on_file_sent_or_received'] as const;

/**
 * PARITY: V2 client `storage_mode` "independent (default) or workspace_folder"; the April guide
 * calls the independent mode `room`. CHOICE: `room` is accepted as `independent`.
 */
const storageMode = () =>
  z.enum(['independent', 'room', 'workspace_folder']).transform((v) => (v === 'room' ? 'independent' : v) as 'independent' | 'workspace_folder');

/** PARITY: CHOICE. "URL-friendly" (V2 client: 10-100 characters on update); letters, digits, `-`, `_`. */
export const CUSTOM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{9,99}$/;
const customName = () => z.string().trim().regex(CUSTOM_NAME_PATTERN, 'Use 10-100 letters, digits, hyphens and underscores, starting with a letter or digit.');

/** `null` (or empty) clears a clearable field (V2 client: "`\"null\"` (or `\"\"`) to clear"). */
const clearable = <S extends z.ZodType>(s: S) => z.union([z.literal('null'), z.literal(''), s]);

/** Stored as given (branding and display settings the emulator does not interpret). */
function brandingShape() {
  const stored = () => z.string().max(2000).optional();
  return {
    display_type: z.enum(['grid', 'list']).optional(),
    workspace_style: text({ max: 100 }).optional(),
    accent_color: stored(),
    background_color1: stored(),
    background_color2: stored(),
    background_image: formInt({ min: 0, max: 1000 }).optional(),
    link_1: stored(),
    link_2: stored(),
    link_3: stored(),
    owner_defined: stored(),
  };
}
export type ShareBrandingField = keyof ReturnType<typeof brandingShape>;
export const SHARE_BRANDING_FIELDS = Object.keys(brandingShape()) as ShareBrandingField[];

export const shareParams = lazy(() => z.object({ share_id: z.string().min(1).max(100) }));
export const shareNameParams = lazy(() => z.object({ name: z.string().min(1).max(200) }));
export const shareListQuery = lazy(() => z.object(paginationQuery));

function createShape() {
  return {
    title: displayName({ min: 2, max: 80 }),
    share_type: z.enum(SHARE_TYPES).optional(),
    description: text({ min: 10, max: 500 }).optional(),
    access_options: z.enum(SHARE_ACCESS_OPTIONS).optional(),
    invite: z.enum(SHARE_INVITE).optional(),
    storage_mode: storageMode().optional(),
    folder_node_id: text({ min: 1, max: 64 }).optional(),
    create_folder: formBool().optional(),
    folder_name: displayName({ min: 1, max: 255 }).optional(),
    custom_name: customName().optional(),
    password: z.string().min(1).max(256).optional(),
    expires: text({ min: 1, max: 64 }).optional(),
    notify: z.enum(SHARE_NOTIFY).optional(),
    comments_enabled: formBool().optional(),
    download_security: z.enum(DOWNLOAD_SECURITY).optional(),
    guest_chat_enabled: formBool().optional(),
    anonymous_uploads_enabled: formBool().optional(),
    intelligence: formBool().optional(),
    ...brandingShape(),
  };
}

/**
 * April: the client sends `title`, `share_type=send` always, and optionally description,
 * access_options, password, anonymous_uploads_enabled, intelligence, download_security
 * (41dde01 src/api/share.rs). The wider V2 field set is accepted too (CHOICE).
 */
export const shareCreateBody = lazy(() => z.object(createShape()));

/**
 * PARITY: V2 "`intelligence` is `Assert\Required` server-side ... or create returns a 400"
 * (96b1551 src/api/share.rs tests); share_type defaults to `exchange` when omitted.
 */
export const shareCreateBodyV2 = lazy(() => z.object({ ...createShape(), intelligence: formBool() }));

export const shareUpdateBody = lazy(() =>
  z.object({
    name: displayName({ min: 2, max: 80 }).optional(),
    title: clearable(displayName({ min: 2, max: 80 })).optional(),
    custom_name: clearable(customName()).optional(),
    description: clearable(text({ min: 10, max: 500 })).optional(),
    share_type: z.enum(SHARE_TYPES).optional(),
    access_options: z.enum(SHARE_ACCESS_OPTIONS).optional(),
    invite: z.enum(SHARE_INVITE).optional(),
    password: clearable(z.string().min(1).max(256)).optional(),
    expires: clearable(text({ min: 1, max: 64 })).optional(),
    notify: z.enum(SHARE_NOTIFY).optional(),
    download_enabled: formBool().optional(),
    comments_enabled: formBool().optional(),
    download_security: z.enum(DOWNLOAD_SECURITY).optional(),
    guest_chat_enabled: formBool().optional(),
    intelligence: formBool().optional(),
    anonymous_uploads_enabled: formBool().optional(),
    share_link_node_id: z.literal('null').optional(),
    ...brandingShape(),
  }),
);

/** PARITY: the client sends `confirm` in the DELETE body (src/api/share.rs `delete_share`). */
export const shareDeleteBody = lazy(() => z.object({ confirm: text({ min: 1, max: 100 }) }));

export const sharePasswordBody = lazy(() => z.object({ password: z.string().min(1).max(256) }));

export type ShareCreateInput = CamelKeys<z.output<ReturnType<typeof shareCreateBody>>>;
export type ShareUpdateInput = z.output<ReturnType<typeof shareUpdateBody>>;

import { z } from 'zod';
import { displayName, formBool, lazy, text } from '../http/schema.js';
import { WORKSPACE_PERM_JOIN, WORKSPACE_PERM_MEMBER_MANAGE } from '../tenancy/permissions.js';
import type { CamelKeys } from '../camel-case.js';

/** PARITY: CHOICE. The live API calls folder_name a URL-safe slug; the exact rule is the project's. */
export const FOLDER_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

const folderName = () =>
  z.string().trim().toLowerCase().regex(FOLDER_NAME_PATTERN, 'Use 2-63 lower-case letters, digits and hyphens, starting with a letter or digit.');

export const workspaceParams = lazy(() => z.object({ workspace_id: z.string().min(1).max(100) }));

/** PARITY: required fields from the agent guide v1.29 ("Getting Started", step 5) and the official client. */
export const workspaceCreateBody = lazy(() =>
  z.object({
    folder_name: folderName(),
    name: displayName({ min: 2, max: 100 }),
    perm_join: z.enum(WORKSPACE_PERM_JOIN),
    perm_member_manage: z.enum(WORKSPACE_PERM_MEMBER_MANAGE),
    intelligence: formBool().optional(),
    description: text({ max: 1000 }).optional(),
  }),
);

/**
 * PARITY: V2 (official client 96b1551 src/api/workspace.rs create_workspace: "the server
 * hard-requires folder_name, name, perm_join, perm_member_manage, and intelligence (no server
 * defaults)"). CHOICE: the agent guide v2.6 says the raw API defaults intelligence ON; the
 * client's statement is the more specific, so V2 requires the field (a missing one is 400/1605)
 * and there is no default to choose.
 */
export const workspaceCreateBodyV2 = lazy(() => workspaceCreateBody().extend({ intelligence: formBool() }));

/** Fields the emulator stores as given but does not interpret (branding). */
function workspaceExtraShape() {
  const stored = () => z.string().max(2000).optional();
  return { accent_color: stored(), background_color1: stored(), background_color2: stored(), owner_defined: stored() };
}

export type WorkspaceExtraField = keyof ReturnType<typeof workspaceExtraShape>;

/** The stored-as-given fields, read off their schema. */
export const WORKSPACE_EXTRA_FIELDS = Object.keys(workspaceExtraShape()) as WorkspaceExtraField[];

export const workspaceUpdateBody = lazy(() =>
  z.object({
    folder_name: folderName().optional(),
    name: displayName({ min: 2, max: 100 }).optional(),
    perm_join: z.enum(WORKSPACE_PERM_JOIN).optional(),
    perm_member_manage: z.enum(WORKSPACE_PERM_MEMBER_MANAGE).optional(),
    intelligence: formBool().optional(),
    description: z.union([z.literal('null'), text({ max: 1000 })]).optional(),
    ...workspaceExtraShape(),
  }),
);

/** What the create and update routes hand the service: their schemas' output. */
export type WorkspaceCreateInput = CamelKeys<z.output<ReturnType<typeof workspaceCreateBody>>>;
export type WorkspaceUpdateInput = z.output<ReturnType<typeof workspaceUpdateBody>>;

export const workspaceDeleteQuery = lazy(() => z.object({ confirm: text({ min: 1, max: 100 }) }));

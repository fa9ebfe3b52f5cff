import { z } from 'zod';
import { displayName, lazy, paginationQuery, text } from '../http/schema.js';
import { ORG_PERM_MEMBER_MANAGE } from '../tenancy/permissions.js';
import type { CamelKeys } from '../camel-case.js';

/** PARITY: docs.fast.io/orgs.html "Org Field Constraints" and the API notes. */
export const DOMAIN_PATTERN = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** PARITY: CHOICE. Domains the emulator refuses as reserved (the live list is not published). */
export const RESERVED_DOMAINS = new Set([
  'admin',
  'api',
  'app',
  'apps',
  'assets',
  'auth',
  'billing',
  'blog',
  'cdn',
  'current',
  'dashboard',
  'dev',
  'docs',
  'download',
  'fast',
  'fastio',
  'files',
  'ftp',
  'go',
  'help',
  'login',
  'mail',
  'media',
  'org',
  'orgs',
  'root',
  'share',
  'shares',
  'signup',
  'smtp',
  'static',
  'status',
  'support',
  'system',
  'upload',
  'user',
  'users',
  'workspace',
  'workspaces',
  'www',
]);

const domain = () =>
  z
    .string()
    .trim()
    .min(2, 'This value must be at least 2 characters long.')
    .max(63, 'This value must be at most 63 characters long.')
    .regex(DOMAIN_PATTERN, 'Use lower-case letters, digits and hyphens, starting and ending with a letter or digit.');

const email = () => z.string().trim().toLowerCase().pipe(z.email('This value is not a valid email address.'));

export const orgParams = lazy(() => z.object({ org_id: z.string().min(1).max(100) }));

export const orgCreateBody = lazy(() =>
  z.object({
    domain: domain(),
    name: displayName({ min: 3, max: 100 }).optional(),
    description: text({ min: 10, max: 1000 }).optional(),
    industry: text({ max: 100 }).optional(),
    billing_email: email().optional(),
    billing_plan: z.string().trim().max(40).optional(),
  }),
);

/** Fields the emulator stores as given but does not interpret (branding, social links). */
function orgExtraShape() {
  const stored = () => z.string().max(2000).optional();
  return {
    homepage: stored(),
    accent_color: stored(),
    background_color: stored(),
    background_mode: stored(),
    facebook: stored(),
    twitter: stored(),
    instagram: stored(),
    youtube: stored(),
    perm_auth_domains: stored(),
    owner_defined: stored(),
  };
}

export type OrgExtraField = keyof ReturnType<typeof orgExtraShape>;

/** The stored-as-given fields, read off their schema. */
export const ORG_EXTRA_FIELDS = Object.keys(orgExtraShape()) as OrgExtraField[];

export const orgUpdateBody = lazy(() =>
  z.object({
    name: displayName({ min: 3, max: 100 }).optional(),
    domain: domain().optional(),
    description: z.union([z.literal('null'), text({ min: 10, max: 1000 })]).optional(),
    industry: z.union([z.literal('null'), text({ max: 100 })]).optional(),
    billing_email: email().optional(),
    perm_member_manage: z.enum(ORG_PERM_MEMBER_MANAGE).optional(),
    ...orgExtraShape(),
  }),
);

/** What the create and update routes hand the service: their schemas' output. */
export type OrgCreateInput = CamelKeys<z.output<ReturnType<typeof orgCreateBody>>>;
export type OrgUpdateInput = z.output<ReturnType<typeof orgUpdateBody>>;

export const orgCloseBody = lazy(() => z.object({ confirm: text({ min: 1, max: 100 }) }));

export const listQuery = lazy(() => z.object(paginationQuery));

export const domainCheckParams = lazy(() => z.object({ domain: z.string().min(1).max(200) }));

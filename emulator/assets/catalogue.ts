/**
 * The asset types each entity type takes (`GET /current/{entity_type}/assets/`), and what an
 * upload of each must be.
 *
 * PARITY: the names come from the official client and the agent guide: `profile_pic` for users
 * (96b1551 cli.rs UserAssetCommands "e.g. `profile_pic`"), `logo`, `banner` and `photo` named as
 * examples of asset types (cli.rs AssetCommands "e.g. logo, banner, photo"; the live MCP tool
 * `asset` says "logos, banners, profile photos"). Which entity takes which, the accepted image
 * types, the byte limits and the pixel bounds are not in any source: CHOICE, listed in ASSET_CHOICES.
 */
import type { AssetEntityType } from '../store/asset-model.js';

/** The image kinds image-size reports that an asset may be, with their mime types. */
export const ASSET_IMAGE_TYPES = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' } as const;
export type AssetImageKind = keyof typeof ASSET_IMAGE_TYPES;
export const ASSET_MIMETYPES = Object.values(ASSET_IMAGE_TYPES);

export interface AssetType {
  name: string;
  description: string;
  /** the largest upload, in bytes */
  maxSize: number;
  minWidth: number;
  minHeight: number;
  maxWidth: number;
  maxHeight: number;
}

const MB = 1024 * 1024;
const type = (name: string, description: string, maxSize: number, min: number, max = 4096): AssetType => ({
  name,
  description,
  maxSize,
  minWidth: min,
  minHeight: min,
  maxWidth: max,
  maxHeight: max,
});

const logo = (of: string) => type('logo', `The ${of}'s logo, shown in headers and lists.`, 2 * MB, 16);
const banner = (of: string) => type('banner', `A wide image across the top of the ${of}'s pages.`, 5 * MB, 64, 8192);

export const ASSET_TYPES: Readonly<Record<AssetEntityType, readonly AssetType[]>> = {
  user: [type('profile_pic', 'The profile picture shown beside the user’s name.', 2 * MB, 16), type('photo', 'A larger profile photo.', 5 * MB, 64)],
  org: [logo('organization'), banner('organization')],
  workspace: [logo('workspace'), banner('workspace')],
  share: [logo('share'), banner('share'), type('background', 'The background image of the share’s page.', 10 * MB, 64, 8192)],
};

export function assetType(entityType: AssetEntityType, name: string): AssetType | undefined {
  return ASSET_TYPES[entityType].find((t) => t.name === name);
}

/** The wire form of a type (the client renders what it gets: field names are CHOICE). */
export function assetTypeJson(entityType: AssetEntityType, t: AssetType): Record<string, unknown> {
  return {
    name: t.name,
    entity_type: entityType,
    description: t.description,
    mimetypes: ASSET_MIMETYPES,
    max_size: t.maxSize,
    min_width: t.minWidth,
    min_height: t.minHeight,
    max_width: t.maxWidth,
    max_height: t.maxHeight,
  };
}

export const ASSET_CHOICES = [
  'asset types: users profile_pic and photo; orgs and workspaces logo and banner; shares logo, banner and background',
  'an asset is a PNG, JPEG, GIF or WebP image, recognised from its bytes (the part’s content type is ignored); SVG and anything else answer 400/1605 on `file`',
  'limits: logo and profile_pic 2 MB and 16-4096 px a side, banner and photo 5 MB, background 10 MB (banner and background up to 8192 px); larger answers 413/1606, other sizes 400/1605',
  'the upload takes the multipart file part named `file` (as the client sends it), else the only file part',
  'an upload replaces the asset of the same name; delete of an asset never set answers 404/1609; an unknown asset name 400/1605',
  'org assets: members list and read, owners and admins upload and delete; workspace assets: every member (guests too) lists and reads, owners and admins write; share assets: view and up read, share admins write',
  'assets are settings, not resources: a V2 org on plan none may still set its logo (no 402/1688); a scoped token (OAuth, API key with scopes) reaches org, workspace and share assets as its grants say and may not change the user’s own (403/1680)',
  'user assets: the user writes their own (another user 403/1680); users who share an org, workspace or share with the user list and read them, anyone else 404/1609',
  'answers: `asset_types` for the types, `assets` for a list, `asset` for an upload, the bytes with their mime type for a read, `deleted` with the name for a delete',
  'uploads for orgs, workspaces and shares and reads of their bytes are served beyond the catalogue (the live MCP tool `asset` uploads and reads them; the client documents only the user ones)',
];

/**
 * A branding asset (a logo, a banner, a profile picture) of an org, workspace, share or user
 * (emulator/assets/). Kept beside model.ts, as the comments area keeps its record, so the assets
 * area adds a table without touching the other areas' records. The bytes live in the blob store
 * (`blobId` names a row of the `blobs` table), never in the state document.
 */

/** What an asset belongs to: the path's entity type. */
export type AssetEntityType = 'org' | 'workspace' | 'share' | 'user';

export interface Asset {
  /** opaque id, type `8` (asset) */
  id: string;
  entityType: AssetEntityType;
  entityId: string;
  /** the asset type's name (`logo`, `banner`, `profile_pic`, ...); one asset per name and entity */
  name: string;
  /** the org the entity belongs to (null for a user's own asset) */
  orgId: string | null;
  blobId: string;
  /** sniffed from the bytes, never taken from the part's header */
  mimetype: string;
  size: number;
  width: number;
  height: number;
  /** the file name of the uploaded part, as sent */
  fileName: string;
  uploadedBy: string;
  created: number;
  updated: number;
}

/** The key an entity's assets are found by (the table's `entity` index, and with the name its `slot`). */
export const assetEntityKey = (entityType: AssetEntityType, entityId: string): string => `${entityType}:${entityId}`;

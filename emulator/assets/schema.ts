/** Input schemas of the assets area. */
import { z } from 'zod';
import { lazy, profileId } from '../http/schema.js';

/** An asset type's name as the path spells it: lower case, digits and underscores. */
const assetName = () =>
  z
    .string()
    .regex(/^[a-z0-9_]{1,40}$/, 'Expected an asset type name (lower case letters, digits and underscores), as GET /current/{entity_type}/assets/ lists them.');
const ref = () => z.string().min(1).max(100);

export const orgAssetsParams = lazy(() => z.object({ org_id: ref() }));
export const orgAssetParams = lazy(() => z.object({ org_id: ref(), asset_name: assetName() }));
export const workspaceAssetsParams = lazy(() => z.object({ workspace_id: ref() }));
export const workspaceAssetParams = lazy(() => z.object({ workspace_id: ref(), asset_name: assetName() }));
export const shareAssetsParams = lazy(() => z.object({ share_id: ref() }));
export const shareAssetParams = lazy(() => z.object({ share_id: ref(), asset_name: assetName() }));
export const userAssetsParams = lazy(() => z.object({ user_id: profileId() }));
export const userAssetParams = lazy(() => z.object({ user_id: profileId(), asset_name: assetName() }));

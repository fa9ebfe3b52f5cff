/**
 * What every asset route does once its place is resolved (places.ts): the routes of the four
 * entity types differ only in how they reach the place.
 */
import { formatTime } from '../http/format.js';
import { RawResponse, type UploadedFile } from '../http/route.js';
import type { Emulator } from '../emulator.js';
import type { AssetEntityType } from '../store/asset-model.js';
import { ASSET_TYPES, assetTypeJson } from './catalogue.js';
import { assetJson, assetsOf, type AssetPlace } from './service.js';

export function typesAnswer(entityType: AssetEntityType): Record<string, unknown> {
  return { asset_types: ASSET_TYPES[entityType].map((t) => assetTypeJson(entityType, t)) };
}

export function listAnswer(emu: Emulator, place: AssetPlace): Record<string, unknown> {
  return {
    assets: assetsOf(emu)
      .list(place)
      .map((a) => assetJson(a, formatTime)),
  };
}

export async function uploadAnswer(
  emu: Emulator,
  place: AssetPlace,
  name: string,
  files: readonly UploadedFile[],
  userId: string,
): Promise<Record<string, unknown>> {
  return { asset: assetJson(await assetsOf(emu).put(place, name, files, userId), formatTime) };
}

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };

/** The bytes as stored, with their sniffed type (CHOICE: `inline`, named after the asset type). */
export function readAnswer(emu: Emulator, place: AssetPlace, name: string): RawResponse {
  const svc = assetsOf(emu);
  const asset = svc.get(place, name);
  return new RawResponse(svc.bytes(asset), asset.mimetype, 200, {
    'content-disposition': `inline; filename="${asset.name}.${EXTENSIONS[asset.mimetype] ?? 'bin'}"`,
    'cache-control': 'private, no-cache',
    'last-modified': new Date(asset.updated).toUTCString(),
  });
}

export function deleteAnswer(emu: Emulator, place: AssetPlace, name: string, userId: string): Record<string, unknown> {
  const asset = assetsOf(emu).remove(place, name, userId);
  return { deleted: asset.name, entity_type: asset.entityType, entity_id: asset.entityId };
}

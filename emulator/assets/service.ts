/**
 * Branding assets of orgs, workspaces, shares and users: one image per asset type and entity,
 * its bytes in the blob store (a row of the `blobs` table, as file versions keep theirs), its
 * metadata in the `assets` table. Who may read or write a place is decided before a place is
 * built (places.ts); this module only stores, replaces, lists and deletes.
 */
import type { Emulator } from '../emulator.js';
import { AuditEvents, type AssetEventPlace } from '../events/catalogue.js';
import { Errors } from '../http/errors.js';
import type { UploadedFile } from '../http/route.js';
import { assetEntityKey, type Asset } from '../store/asset-model.js';
import { OpaqueType } from '../store/ids.js';
import { assetType, ASSET_TYPES } from './catalogue.js';
import { checkedImage } from './images.js';

/** An entity whose assets a caller reached, with the right it was granted. */
export interface AssetPlace extends AssetEventPlace {
  mode: 'read' | 'write';
}

const services = new WeakMap<Emulator, AssetService>();

/** The instance's asset service (built on first use: start-up builds nothing for assets). */
export function assetsOf(emu: Emulator): AssetService {
  let s = services.get(emu);
  if (!s) services.set(emu, (s = new AssetService(emu)));
  return s;
}

export class AssetService {
  constructor(private readonly emu: Emulator) {}

  list(place: AssetPlace): Asset[] {
    const order = ASSET_TYPES[place.entityType].map((t) => t.name);
    return this.emu.db.assets.find('entity', assetEntityKey(place.entityType, place.entityId)).sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  }

  /** The asset of a name, or 404/1609 (400/1605 when the entity type has no such asset type). */
  get(place: AssetPlace, name: string): Asset {
    this.typeOf(place, name);
    const asset = this.emu.db.assets.findOne('slot', `${assetEntityKey(place.entityType, place.entityId)}/${name}`);
    if (!asset) throw Errors.notFound('asset');
    return asset;
  }

  bytes(asset: Asset): Buffer {
    const bytes = this.emu.db.blobs.bytes(asset.blobId);
    if (!bytes) throw Errors.notFound('asset');
    return bytes;
  }

  /** Store an upload as the asset of this name, replacing the one there. */
  async put(place: AssetPlace, name: string, files: readonly UploadedFile[], callingUserId: string): Promise<Asset> {
    this.writable(place);
    const t = this.typeOf(place, name);
    const file = files.find((f) => f.field === 'file') ?? (files.length === 1 ? files[0] : undefined);
    if (!file) throw Errors.missingField('file', 'file');
    const image = await checkedImage(file.data, t);
    const { db, ids } = this.emu;
    const now = this.emu.clock.now();
    const blob = db.blobs.insert({ id: ids.opaqueId(OpaqueType.general), size: file.data.length, sha256: db.blobStore.put(file.data) });
    const slot = `${assetEntityKey(place.entityType, place.entityId)}/${name}`;
    const prev = db.assets.findOne('slot', slot);
    const fields = { blobId: blob.id, ...image, size: file.data.length, fileName: file.name || name, uploadedBy: callingUserId, updated: now };
    let asset: Asset;
    if (prev) {
      asset = db.assets.update(prev.id, fields);
      db.blobs.delete(prev.blobId);
    } else {
      asset = db.assets.insert({
        id: ids.opaqueId(OpaqueType.asset),
        entityType: place.entityType,
        entityId: place.entityId,
        name,
        orgId: place.orgId,
        created: now,
        ...fields,
      });
    }
    this.emu.audit.record(
      AuditEvents.assetUpdated(place, callingUserId, asset.id, { name, mimetype: asset.mimetype, size: asset.size, replaced: Boolean(prev) }),
    );
    return asset;
  }

  remove(place: AssetPlace, name: string, callingUserId: string): Asset {
    this.writable(place);
    const asset = this.get(place, name);
    this.emu.db.assets.delete(asset.id);
    this.emu.db.blobs.delete(asset.blobId);
    this.emu.audit.record(AuditEvents.assetDeleted(place, callingUserId, asset.id, { name }));
    return asset;
  }

  /** A place granted for reading only refuses writes (403/1680). */
  private writable(place: AssetPlace): void {
    if (place.mode !== 'write') throw Errors.accessDenied('You may not change the assets of this ' + place.entityType + '.');
  }

  private typeOf(place: AssetPlace, name: string) {
    const t = assetType(place.entityType, name);
    if (!t)
      throw Errors.invalidField(
        'asset_name',
        `A ${place.entityType} has no asset "${name}"; it takes ${ASSET_TYPES[place.entityType].map((x) => x.name).join(', ')} (GET /current/${place.entityType}/assets/).`,
      );
    return t;
  }
}

/** The wire form of an asset (the client renders what it gets: field names are CHOICE). */
export function assetJson(a: Asset, formatTime: (ms: number) => string): Record<string, unknown> {
  return {
    id: a.id,
    name: a.name,
    entity_type: a.entityType,
    entity_id: a.entityId,
    mimetype: a.mimetype,
    size: a.size,
    width: a.width,
    height: a.height,
    file_name: a.fileName,
    created: formatTime(a.created),
    updated: formatTime(a.updated),
  };
}

/** Every route of share storage (issue 17 item 3), the share import included: what emulator/routes.ts mounts. */
import { shareImportRoutes } from './import-routes.js';
import { shareSearchRoutes } from './share-search-routes.js';
import { shareStorageLockRoutes } from './share-storage-lock-routes.js';
import { shareStorageRoutes } from './share-storage-routes.js';
import { sharePreviewRoutes } from './share-preview-routes.js';

export const shareStorageAreaRoutes = [...shareStorageRoutes, ...shareSearchRoutes, ...shareStorageLockRoutes, ...shareImportRoutes, ...sharePreviewRoutes];

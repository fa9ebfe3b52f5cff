/** Every route of share storage (issue 17 item 3), the share import included: what emulator/routes.ts mounts. */
import type { AnyRoute } from '../http/route.js';
import { throughShare } from '../events/through-share.js';
import { shareImportRoutes } from './import-routes.js';
import { shareSearchRoutes } from './share-search-routes.js';
import { shareStorageLockRoutes } from './share-storage-lock-routes.js';
import { shareStorageRoutes } from './share-storage-routes.js';
import { sharePreviewRoutes } from './share-preview-routes.js';

/**
 * The storage and lock routes run as writes through their share (events/through-share.ts): the
 * workspace events they cause carry the share's id. The import routes write into a workspace of
 * the caller's choosing, and the preview routes only read, so they are left as they are.
 */
function throughItsShare(route: AnyRoute): AnyRoute {
  return { ...route, handler: (ctx, input, deps) => throughShare(shareRefOf(input.params), () => route.handler(ctx, input, deps)) };
}

const shareRefOf = (params: unknown): string | undefined => {
  const ref = (params as { share_id?: unknown } | undefined)?.share_id;
  return typeof ref === 'string' ? ref : undefined;
};

export const shareStorageAreaRoutes = [
  ...[...shareStorageRoutes, ...shareSearchRoutes, ...shareStorageLockRoutes].map(throughItsShare),
  ...shareImportRoutes,
  ...sharePreviewRoutes,
];

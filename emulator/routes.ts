import type { AnyRoute } from './http/route.js';
import { controlRoutes, type ControlDeps } from './control/routes.js';
import { userRoutes } from './users/routes.js';
import { orgRoutes } from './orgs/routes.js';
import { workspaceRoutes } from './workspaces/routes.js';
import { memberRoutes, shareMemberRoutes } from './members/routes.js';
import { transferRoutes } from './transfer/routes.js';
import { storageRoutes } from './storage/routes.js';
import { intelligenceRoutes } from './intelligence/routes.js';
import { eventRoutes } from './events/routes.js';
import { activityRoutes } from './activity/routes.js';
import { billingRoutes } from './billing/routes.js';
import { shareRoutes, shareStorageAreaRoutes } from './shares/routes.js';
import { commentRoutes } from './comments/routes.js';
import { appRoutes } from './apps/routes.js';
import { systemRoutes } from './system/routes.js';
import { assetRoutes } from './assets/routes.js';

/** Every route the emulator serves, area by area. The router, parity report and OpenAPI read this. */
export function allRoutes(control: ControlDeps): AnyRoute[] {
  return [
    ...userRoutes,
    ...orgRoutes,
    ...workspaceRoutes,
    ...memberRoutes,
    ...shareMemberRoutes,
    ...transferRoutes,
    ...storageRoutes,
    ...intelligenceRoutes,
    ...eventRoutes,
    ...activityRoutes,
    ...billingRoutes,
    ...shareRoutes,
    ...shareStorageAreaRoutes,
    ...commentRoutes,
    ...appRoutes,
    ...systemRoutes,
    ...assetRoutes,
    ...controlRoutes(control),
  ];
}

/**
 * The emulator-only control plane under `/_emulator/`, composed from its groups: state and clock
 * (state-routes.ts), inspection and faults (inspect-routes.ts), jobs and ledger (job-routes.ts), the import provider's drive (import-routes.ts).
 * The order here is the order `GET /_emulator/routes` lists them.
 */
import type { AnyRoute } from '../http/route.js';
import { inspectionRoutes } from './inspect-routes.js';
import { jobRoutes } from './job-routes.js';
import { stateRoutes } from './state-routes.js';
import { importControlRoutes } from './import-routes.js';

export interface ControlDeps {
  /** the route table of the running dialect, for `GET /_emulator/routes` and OpenAPI */
  routes: () => readonly AnyRoute[];
  /** the whole route table, every dialect (for the coverage of each) */
  allRoutes?: () => readonly AnyRoute[];
  /** persistence status, when `--data` is set */
  persistence: () => { status: 'ok' | 'degraded'; lastError: string | null; file: string } | undefined;
}

/** The emulator-only control plane under `/_emulator/`. */
export function controlRoutes(deps: ControlDeps): AnyRoute[] {
  return [...stateRoutes(deps), ...inspectionRoutes(deps), ...jobRoutes(), ...importControlRoutes()];
}

/** The imports area's routes: the switch, providers, identities and sources (source-routes.ts), jobs and write-backs (job-routes.ts). */
import { sourceRoutes } from './source-routes.js';
import { importJobRoutes } from './job-routes.js';

export const importRoutes = [...sourceRoutes, ...importJobRoutes];

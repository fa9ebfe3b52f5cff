/** Every route of the metadata area (catalogue area `intelligence`): templates, node metadata and AI work, views, export, search. */
import { nodeMetadataRoutes } from './node-routes.js';
import { templateRoutes } from './template-routes.js';
import { viewRoutes } from './view-routes.js';

export const metadataRoutes = [...templateRoutes, ...nodeMetadataRoutes, ...viewRoutes];

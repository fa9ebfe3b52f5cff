/**
 * The programmatic API.
 *
 *   import { startEmulator } from 'fastio-emulator';
 *   const emu = await startEmulator({ port: 0 });            // or { port: 0, apiDialect: 'v2' }
 *   // ... point a client at emu.url ...
 *   await emu.close();
 */
export { startEmulator, buildEmulator, StartupError, type RunningEmulator, type StartOptions } from './server.js';
export { createApp, type AppDeps } from './app.js';
export { Emulator } from './emulator.js';
export { loadConfig, parseRateLimit, type EmulatorConfig } from './config.js';
export { VERSION } from './version.js';
export { fromPackageRoot } from './paths.js';
export { Catalogue, DIALECTS, DEFAULT_DIALECT, type Dialect, type CatalogueRoute } from './catalogue/index.js';

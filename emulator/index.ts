/**
 * The programmatic API.
 *
 *   import { startEmulator } from 'fastio-emulator';
 *   const emu = await startEmulator({ port: 0 });
 *   // ... point a client at emu.url ...
 *   await emu.close();
 */
export { startEmulator, buildEmulator, StartupError, type RunningEmulator, type StartOptions } from './server.js';
export { createApp, type AppDeps } from './app.js';
export { Emulator } from './emulator.js';
export { loadConfig, parseRateLimit, type EmulatorConfig } from './config.js';
export { VERSION } from './version.js';
export { fromPackageRoot } from './paths.js';

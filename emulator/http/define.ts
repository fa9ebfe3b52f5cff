import type { Emulator } from '../emulator.js';
import { routeFactory } from './route.js';

/** `defineRoute` for this emulator: handlers receive the instance's services as `deps`. */
export const defineRoute = routeFactory<Emulator>();

import { readFileSync } from 'node:fs';
import { fromPackageRoot } from './paths.js';

export const VERSION: string = (JSON.parse(readFileSync(fromPackageRoot('package.json'), 'utf8')) as { version: string }).version;

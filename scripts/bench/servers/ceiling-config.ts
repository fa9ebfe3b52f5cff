/**
 * What a ceiling server answers, from its environment: one route (method and path, without the
 * query string of CEILING_PATH), the Bearer token it accepts, and the exact body bytes the
 * emulator answered that request with.
 */
import { readFileSync } from 'node:fs';

export interface CeilingConfig {
  method: string;
  path: string;
  authorization: string;
  body: string;
  port: number;
}

export function ceilingConfig(env: NodeJS.ProcessEnv = process.env): CeilingConfig {
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`${k} is not set`);
    return v;
  };
  return {
    method: need('CEILING_METHOD'),
    // The route is the path: a query string (a search's terms) does not change what the ceiling answers.
    path: need('CEILING_PATH').split('?', 1)[0]!,
    authorization: `Bearer ${need('CEILING_TOKEN')}`,
    body: readFileSync(need('CEILING_BODY_FILE'), 'utf8'),
    port: Number(need('PORT')),
  };
}

export const UNAUTHORIZED = JSON.stringify({ result: false, error: { code: 10000, text: 'unauthorized' } });

import { z } from 'zod';
import { lazy } from '../http/schema.js';

export const tokenParams = lazy(() => z.object({ org_id: z.string().min(1).max(100), token_id: z.string().min(1).max(64) }));
export const claimBody = lazy(() => z.object({ token: z.string().trim().min(1).max(256) }));

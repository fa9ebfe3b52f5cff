/**
 * The multi-tenant guide shows simplified paths that the live API does not serve. They answer
 * 404/9992 like the live API, with a hint that names the real route (emulator-only help).
 */
interface GuideHint {
  method: string;
  pattern: RegExp;
  real: string;
}

const HINTS: GuideHint[] = [
  { method: 'POST', pattern: /^\/current\/org\/?$/, real: 'POST /current/org/create/' },
  { method: 'POST', pattern: /^\/current\/org\/[^/]+\/workspace\/?$/, real: 'POST /current/org/{org_id}/create/workspace/' },
  { method: 'GET', pattern: /^\/current\/org\/[^/]+\/workspace\/?$/, real: 'GET /current/org/{org_id}/list/workspaces/' },
  {
    method: 'POST',
    pattern: /^\/current\/org\/[^/]+\/member\/?$/,
    real: 'POST /current/org/{org_id}/members/{email_or_user_id}/ with permissions=admin|member',
  },
  { method: 'POST', pattern: /^\/current\/workspace\/[^/]+\/intelligence\/?$/, real: 'POST /current/workspace/{workspace_id}/update/ with intelligence=true' },
  {
    method: 'GET',
    pattern: /^\/current\/org\/[^/]+\/billing\/usage\/?$/,
    real: 'GET /current/org/{org_id}/billing/usage/limits/credits/ (and /billing/usage/meters/list/)',
  },
];

/** The real route for a guide path, or undefined. */
export function guideHint(method: string, path: string): string | undefined {
  const h = HINTS.find((x) => x.method === method && x.pattern.test(path));
  return h ? `This path appears in the multi-tenant guide but is not a Fast.io route. Use ${h.real}.` : undefined;
}

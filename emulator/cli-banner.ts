/**
 * What `start` prints once it listens: where the API and the dashboard are, what state it holds,
 * who can sign in, what to try next and how to stop. The first line stays
 * `fastio-emulator VERSION listening on URL`: scripts and the test harness read the URL from it.
 */
import { CONTROL_CLIENT_HEADER } from './http/control-guard.js';
import type { RunningEmulator } from './server.js';
import { VERSION } from './version.js';

const MAX_PERSONAS = 12;

/** Columns sized to their widest cell, so a long email widens its column instead of breaking the row. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

export function banner(running: RunningEmulator, options: { forwardSecretShown: boolean }): string {
  const { url, loaded, seed, emulator } = running;
  const lines = [`fastio-emulator ${VERSION} listening on ${url} (API dialect ${emulator.config.apiDialect})`];
  // The forwarding secret stays on the second line, where scripts that sign-check read it.
  if (running.forwarder) {
    const secret = options.forwardSecretShown ? '' : ` (x-fastio-emulator-signature secret: ${running.forwardSecret})`;
    lines.push(`forwarding events to ${running.forwarder.url}${secret}`);
  }
  lines.push('');
  const rows: [string, string][] = [
    ['API base', `${url}/current`],
    ['Dashboard', `${url}/_emulator/ui`],
    ['Control plane', `${url}/_emulator/`],
  ];
  rows.push(['API dialect', emulator.config.apiDialect]);
  if (running.mcpUrl) rows.push(['MCP', `${running.mcpUrl}/mcp (Streamable HTTP), ${running.mcpUrl}/sse, POST ${running.mcpUrl}/blob`]);
  const counts = `${plural(loaded.users, 'user')}, ${plural(loaded.orgs, 'org')}, ${plural(loaded.workspaces, 'workspace')}`;
  const dataFile = emulator.config.dataFile;
  if (loaded.source === 'data') rows.push(['State', `${dataFile} (loaded ${counts})`]);
  else if (loaded.source === 'seed')
    rows.push([
      'State',
      `${dataFile ? `${dataFile}, ` : 'in memory, '}seeded from ${seed?.scenario ? `scenario "${seed.scenario.name}"` : loaded.file} (${counts})`,
    ]);
  else rows.push(['State', dataFile ? `${dataFile} (new, empty)` : 'in memory (empty; gone when the emulator stops)']);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(width)}  ${v}`);

  if (seed) {
    lines.push('', `Loaded ${seed.scenario ? `scenario "${seed.scenario.name}": ${seed.scenario.description}` : `seed ${seed.file}`}`);
    const shown = seed.personas.slice(0, MAX_PERSONAS);
    if (shown.length > 0) {
      lines.push('Personas (sign in with Basic email:password, or send the API key as a Bearer token):');
      lines.push(
        ...table(
          ['ROLE', 'EMAIL', 'PASSWORD', 'API KEY'],
          shown.map((p) => [p.role, p.email, p.password, p.api_key]),
        ),
      );
      if (seed.personas.length > shown.length) lines.push(`  ... and ${seed.personas.length - shown.length} more in ${seed.file}`);
    }
  }

  // State-changing control requests need a JSON body or this header (http/control-guard.ts).
  const post = `curl -X POST -H '${CONTROL_CLIENT_HEADER}: 1'`;
  lines.push('', 'Next:');
  if (loaded.users === 0) {
    lines.push(`  No users yet. Make one (a verified user with an API key):`, `    ${post} ${url}/_emulator/users/`);
  }
  lines.push(
    `  Call the API with its key:  curl -H "Authorization: Bearer API_KEY" ${url}/current/user/details/`,
    `  Open the dashboard:         ${url}/_emulator/ui`,
    `  Start over:                 ${post} ${url}/_emulator/reset`,
    '',
    'Press Ctrl+C to stop.',
    '',
  );
  return lines.join('\n');
}

/**
 * `fastio-emulator seed`: write a deterministic demo state file (faker, seeded).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';

function positiveInt(name: string, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}.`);
    return Number(v);
  };
}

interface SeedFlags {
  tenants?: number;
  seed?: number;
  out?: string;
  scenario?: string;
  apiDialect?: string;
}

/** A progress bar on a terminal only: CI logs get one line at the end. */
async function progress(total: number): Promise<{ update(done: number): void; stop(): void }> {
  if (!process.stderr.isTTY || total < 20) return { update: () => {}, stop: () => {} };
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: 'tenants [{bar}] {value}/{total} {eta_formatted} left', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

async function seedCommand(flags: SeedFlags): Promise<void> {
  const { scenariosFor } = await import('../fixtures/scenarios.js');
  const { generateScenario, serializeScenario } = await import('../fixtures/generate.js');
  const dialect = flags.apiDialect ?? '2026-04';
  if (dialect !== '2026-04' && dialect !== 'v2') throw new InvalidArgumentError(`--api-dialect must be 2026-04 or v2 (got "${dialect}")`);
  const SCENARIOS = scenariosFor(dialect);
  const base = flags.scenario ? SCENARIOS[flags.scenario] : undefined;
  if (flags.scenario && !base) throw new InvalidArgumentError(`unknown scenario "${flags.scenario}" (known: ${Object.keys(SCENARIOS).join(', ')})`);
  const tenants = flags.tenants ?? base?.tenants ?? 3;
  const bar = await progress(tenants);
  const started = Date.now();
  const file = await generateScenario({
    ...(base ?? { name: 'generated', description: `${tenants} generated tenants`, apiDialect: dialect }),
    tenants,
    seed: flags.seed ?? base?.seed ?? 42,
    onProgress: (done) => bar.update(done),
  });
  bar.stop();
  const text = serializeScenario(file);
  if (!flags.out) {
    process.stdout.write(text);
    return;
  }
  const out = resolve(flags.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, text);
  const rows = Object.values(file.tables).reduce((n, t) => n + t.length, 0);
  process.stderr.write(`wrote ${out}: ${tenants} tenants, ${file.personas.length} personas, ${rows} records in ${Date.now() - started} ms\n`);
}

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('Write a deterministic demo state (same seed and options -> the same bytes); load it with `start --seed FILE`')
    .option('-n, --tenants <count>', 'how many tenants (orgs)', positiveInt('--tenants', 100_000))
    .option('--seed <number>', "the faker and id seed (default 42, or the scenario's)", positiveInt('--seed', 2 ** 31))
    .option('-o, --out <file>', 'write here (default: stdout)')
    .option('--scenario <name>', 'start from a named scenario (demo, credits-exhausted, transfer-pending, large)')
    .option(
      '--api-dialect <dialect>',
      'the dialect whose plans and scenarios to use (2026-04 or v2; default 2026-04; load the file with the same `start --api-dialect`)',
    )
    .action(seedCommand);
}

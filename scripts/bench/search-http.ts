/**
 * Search through the route, over real HTTP: one intelligent workspace holding at least 10,000
 * indexed passages (generated text files uploaded with `POST /current/upload/` and ingested by
 * the emulator), then a fixed mix of queries against `GET /current/workspace/{id}/storage/search/`.
 * Prints latency percentiles per request shape (the target: p50 under 20 ms).
 *
 *   npm run build && node dist/scripts/bench/search-http.js [passages] [queries]
 *
 * `npm run bench` runs it too (section `search-http`: 10,000 passages, 500 queries per shape;
 * --quick 2,000 and 100) and judges the chunk-search target on it.
 *
 * Text and queries come from a seeded generator, so two runs search the same content. The client
 * runs in the same process as the server (keep-alive fetch), so the figures include the client.
 */
import { uploadForm } from './upload-form.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../../emulator/index.js';
import { parseRateLimit } from '../../emulator/config.js';
import { percentile } from './stats.js';
import { mulberry32 } from '../../emulator/store/random.js';

export interface SearchHttpOptions {
  /** Passages to reach at least (default 10,000). */
  passages?: number;
  /** Measured queries per shape (default 500), after 50 unmeasured ones. */
  queries?: number;
  seed?: number;
}

export interface ShapeResult {
  shape: string;
  queries: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Sum of `pagination.total`: equal across runs when search is deterministic. */
  checksum: number;
}

export interface SearchHttpResult {
  passages: number;
  files: number;
  ingestMs: number;
  shapes: ShapeResult[];
}

const SYLLABLES = 'ka lo mi ne ra to su vi de pa an el or um is bar con ter ment ion pro sta lin gra vor tel mar qui zen dro fal hem cor sil nav'.split(' ');
const FUNCTION_WORDS = 'the of and to in a is that for it as with was on be by this are from at or an which have not'.split(' ');

interface Vocabulary {
  words: string[];
  cumulative: Float64Array;
}

function makeVocabulary(random: () => number, size: number): Vocabulary {
  const words = new Set<string>(FUNCTION_WORDS);
  while (words.size < size) {
    let w = '';
    for (let i = 0, n = 2 + Math.floor(random() * 3); i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  const list = [...words];
  const cumulative = new Float64Array(list.length);
  let sum = 0;
  for (let rank = 0; rank < list.length; rank++) cumulative[rank] = sum += 1 / (rank + 1) ** 1.05;
  return { words: list, cumulative };
}

function word(v: Vocabulary, random: () => number): string {
  const target = random() * v.cumulative[v.cumulative.length - 1]!;
  let lo = 0;
  let hi = v.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v.cumulative[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return v.words[lo]!;
}

/** A text file of `paragraphs` paragraphs of 600-950 characters: about one passage each. */
function makeDocument(v: Vocabulary, random: () => number, paragraphs: number): string {
  const out: string[] = [];
  for (let p = 0; p < paragraphs; p++) {
    const sentences: string[] = [];
    let length = 0;
    const target = 600 + Math.floor(random() * 350);
    while (length < target) {
      const words = Array.from({ length: 8 + Math.floor(random() * 14) }, () => word(v, random)).join(' ');
      sentences.push(`${words.charAt(0).toUpperCase()}${words.slice(1)}.`);
      length += words.length + 2;
    }
    out.push(sentences.join(' '));
  }
  return out.join('\n\n');
}

function makeQuery(v: Vocabulary, random: () => number): string {
  const content = (): string => v.words[FUNCTION_WORDS.length + Math.floor(random() ** 2 * (v.words.length - FUNCTION_WORDS.length))]!;
  const kind = random();
  if (kind < 0.35) return `${content()} ${content()}`;
  if (kind < 0.6) return Array.from({ length: 3 + Math.floor(random() * 2) }, content).join(' ');
  if (kind < 0.75) {
    let w = content();
    while (w.length < 6) w = content();
    const at = 1 + Math.floor(random() * (w.length - 2));
    return `${w.slice(0, at)}${w.slice(at + 1)} ${content()}`;
  }
  return `what is the ${content()} of the ${content()} and how does it ${content()}?`;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

export async function runSearchHttpBench(options: SearchHttpOptions = {}): Promise<SearchHttpResult> {
  const targetPassages = options.passages ?? 10_000;
  const queryCount = options.queries ?? 500;
  const warmup = 50;
  const random = mulberry32(options.seed ?? 20260401);
  const vocabulary = makeVocabulary(random, 30_000);
  const emu = await startEmulator({ port: 0, ingestDelayMs: 0, rateLimit: parseRateLimit('off') });
  try {
    const base = emu.url;
    const post = async (path: string, form: Record<string, string>, token?: string) =>
      json(
        await fetch(`${base}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(path.startsWith('/_emulator/') ? { 'x-fastio-emulator-client': '1' } : {}),
          },
          body: new URLSearchParams(form).toString(),
        }),
      );
    const persona = await post('/_emulator/users/', { account_type: 'human' });
    const token = persona.api_key as string;
    // The offered plan with the most credits in the served dialect's catalog (April pro, V2 growth):
    // 10,000 passages are about 2,800 pages, past the smallest plans' credits.
    const plan = emu.emulator.plans.offered().reduce((best, p) => ((p.credits_per_period ?? Infinity) > (best.credits_per_period ?? Infinity) ? p : best));
    const org = (await post('/current/org/create/', { domain: `bench-${Date.now().toString(36)}`, name: 'Search bench', billing_plan: plan.id }, token))
      .org as {
      id: string;
    };
    const ws = (
      await post(
        `/current/org/${org.id}/create/workspace/`,
        { folder_name: 'search-bench', name: 'Search bench', perm_join: 'Member or above', perm_member_manage: 'Member or above', intelligence: 'true' },
        token,
      )
    ).workspace as { id: string };

    const ingestStart = performance.now();
    let passages = 0;
    let files = 0;
    while (passages < targetPassages) {
      // Upload in batches of 50 files (25 paragraphs each), then let ingestion finish.
      const batch = Array.from({ length: 50 }, (_, i) => ({
        name: `doc-${String(files + i).padStart(5, '0')}.txt`,
        text: makeDocument(vocabulary, random, 25),
      }));
      await Promise.all(
        batch.map(async ({ name, text }) => {
          const form = uploadForm(ws.id, name, text, 'text/plain');
          await json(await fetch(`${base}/current/upload/`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form }));
        }),
      );
      files += batch.length;
      await post('/_emulator/jobs/settle', {});
      ({ passages } = await emu.emulator.intelligence.indexSize(ws.id));
    }
    const ingestMs = performance.now() - ingestStart;
    const indexed = await emu.emulator.intelligence.indexSize(ws.id);

    const queries = Array.from({ length: warmup + queryCount }, () => makeQuery(vocabulary, random));
    const shapes: ShapeResult[] = [];
    for (const [shape, extra] of [
      ['limit=10', { limit: '10' }],
      ['default (limit 100)', {}],
      ['details=true (limit 10)', { details: 'true' }],
    ] as const) {
      const latencies: number[] = [];
      let checksum = 0;
      for (const [i, q] of queries.entries()) {
        const url = `${base}/current/workspace/${ws.id}/storage/search/?${new URLSearchParams({ search: q, ...extra }).toString()}`;
        const started = performance.now();
        const body = await json(await fetch(url, { headers: { authorization: `Bearer ${token}` } }));
        const ms = performance.now() - started;
        if (i >= warmup) {
          latencies.push(ms);
          checksum += (body.pagination as { total: number }).total;
        }
      }
      const sorted = latencies.sort((a, b) => a - b);
      const r = (ms: number) => Math.round(ms * 100) / 100;
      shapes.push({
        shape,
        queries: sorted.length,
        p50Ms: r(percentile(sorted, 50)),
        p95Ms: r(percentile(sorted, 95)),
        p99Ms: r(percentile(sorted, 99)),
        maxMs: r(sorted[sorted.length - 1] ?? 0),
        checksum,
      });
    }
    return { passages: indexed.passages, files: indexed.files, ingestMs: Math.round(ingestMs), shapes };
  } finally {
    await emu.close();
  }
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<SearchHttpResult> {
  const [passages, queries] = argv.map((v) => Number.parseInt(v, 10));
  const result = await runSearchHttpBench({
    ...(Number.isFinite(passages) ? { passages } : {}),
    ...(Number.isFinite(queries) ? { queries } : {}),
  });
  console.log(`search over HTTP: ${result.passages} passages in ${result.files} files, one workspace (uploaded and ingested in ${result.ingestMs} ms)`);
  for (const s of result.shapes) {
    console.log(
      `  ${s.shape.padEnd(24)} ${s.queries} queries  p50 ${s.p50Ms.toFixed(2)} ms  p95 ${s.p95Ms.toFixed(2)} ms  p99 ${s.p99Ms.toFixed(2)} ms  max ${s.maxMs.toFixed(2)} ms  checksum ${s.checksum}`,
    );
  }
  const p50 = result.shapes[0]!.p50Ms;
  console.log(`  target p50 < 20 ms (limit=10): ${p50 < 20 ? 'met' : 'NOT met'}`);
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}

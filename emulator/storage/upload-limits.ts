/**
 * What an upload may be: the plan's file-size and storage limits as `GET /upload/limits/` states
 * them, the chunk and batch sizes the emulator enforces, the restricted extensions, and the hash
 * algorithms an upload may be checked with (`GET /upload/algos/`). The numbers here are the ones
 * uploads.ts, stream.ts and batch.ts check, so what the limits route says is what is refused.
 */
import { createHash } from 'node:crypto';
import type { Plan, PlanCatalog } from '../billing/plans.js';
import { Errors } from '../http/errors.js';
import type { Org } from '../store/model.js';

/** PARITY: single-call uploads take files up to 4 MB (official client `SINGLE_CALL_MAX_SIZE`, 4 MiB). */
export const SINGLE_CALL_MAX_BYTES = 4 * 1024 * 1024;
/** PARITY: the chunk size `limits/` recommends: the official client's upload chunk (commands/upload.rs `DEFAULT_CHUNK_SIZE`, 4 MiB). */
export const CHUNK_DEFAULT_BYTES = 4 * 1024 * 1024;
/**
 * PARITY: CHOICE. Chunks up to 8 MiB: the client's fileshare write-back sends 8 MiB chunks, "the
 * upload command's working chunk size" (commands/fileshare.rs `WRITEBACK_CHUNK_SIZE`); the live
 * maximum is plan-dependent and not recorded.
 */
export const CHUNK_MAX_BYTES = 8 * 1024 * 1024;
/** PARITY: CHOICE. Chunk orders 1-10,000 (schema.ts `chunkQuery`). */
export const CHUNK_MAX_ORDER = 10_000;
/** PARITY: official client src/api/upload.rs `BATCH_MAX_FILES`, `BATCH_MAX_FILE_BYTES`, `BATCH_MAX_BODY_BYTES`. */
export const BATCH_MAX_FILES = 200;
export const BATCH_MAX_FILE_BYTES = 4 * 1024 * 1024;
export const BATCH_MAX_BODY_BYTES = 100 * 1024 * 1024;

/**
 * PARITY: official client src/api/upload.rs (`algos` doc: `{ "algos": ["md5", "sha1", …] }`;
 * `BatchUploadItem.hash_algo`: md5, sha1, sha256, sha384). The agent guide names sha256 for chunks.
 */
export const HASH_ALGOS = ['md5', 'sha1', 'sha256', 'sha384'] as const;
export type HashAlgo = (typeof HASH_ALGOS)[number];

/**
 * PARITY: CHOICE. The emulator restricts no file extension on any plan (the live list is not
 * published): the route answers an empty list rather than an invented one, and nothing is refused
 * for its extension.
 */
export const RESTRICTED_EXTENSIONS: readonly string[] = [];

/**
 * Check bytes against a hex digest the client sent. A hash without an algorithm is sha256 (the
 * agent guide's default); an unknown algorithm or a digest that differs answers 400/1605 naming
 * the field. Nothing sent: nothing checked.
 */
export function verifyHash(bytes: Buffer, hash: string | undefined, algo: string | undefined, field = 'hash'): void {
  if (hash === undefined || hash === '') {
    if (algo !== undefined && algo !== '' && !isHashAlgo(algo)) throw unknownAlgo(algo);
    return;
  }
  const name = algo === undefined || algo === '' ? 'sha256' : algo.toLowerCase();
  if (!isHashAlgo(name)) throw unknownAlgo(name);
  const actual = createHash(name).update(bytes).digest('hex');
  // PARITY: CHOICE. A digest is compared case-insensitively as hex.
  if (actual !== hash.trim().toLowerCase()) throw Errors.invalidField(field, `The ${name} digest of the bytes is ${actual}, not ${hash}.`, 'string');
}

function isHashAlgo(algo: string): algo is HashAlgo {
  return (HASH_ALGOS as readonly string[]).includes(algo.toLowerCase());
}

function unknownAlgo(algo: string) {
  return Errors.invalidField('hash_algo', `Unknown hash algorithm "${algo}"; one of ${HASH_ALGOS.join(', ')}.`, 'string');
}

export interface LimitsContext {
  plan: Plan;
  /** the org the limits are for, when the request names one (then storage use is known) */
  org?: Org;
  heldBytes?: number;
}

/**
 * `GET /upload/limits/` as the emulator answers it. PARITY: CHOICE (the live field names are not
 * recorded; the official client renders the answer as it comes): one `limits` object in bytes,
 * `null` meaning unlimited, and `storage_used`/`storage_available` when an org is known.
 */
export function limitsJson(c: LimitsContext): Record<string, unknown> {
  const { plan } = c;
  const limits: Record<string, unknown> = {
    plan: plan.id,
    max_file_size: plan.max_file_bytes,
    single_call_max_size: SINGLE_CALL_MAX_BYTES,
    chunk_size: CHUNK_DEFAULT_BYTES,
    max_chunk_size: CHUNK_MAX_BYTES,
    max_chunks: CHUNK_MAX_ORDER,
    parallel_chunks: 3,
    storage: plan.storage_bytes,
    batch_max_files: BATCH_MAX_FILES,
    batch_max_file_size: BATCH_MAX_FILE_BYTES,
    batch_max_body_size: BATCH_MAX_BODY_BYTES,
    hash_algos: [...HASH_ALGOS],
  };
  if (c.org && c.heldBytes !== undefined) {
    limits.org = c.org.id;
    limits.storage_used = c.heldBytes;
    limits.storage_available = plan.storage_bytes === null ? null : Math.max(0, plan.storage_bytes - c.heldBytes);
  }
  return limits;
}

/** The plan `?plan=` names, or the one the caller's new orgs start on; an unknown id answers 404/1609. */
export function planNamed(plans: PlanCatalog, id: string | undefined, fallback: string): Plan {
  const plan = plans.get(id ?? fallback);
  if (!plan) throw Errors.notFound('plan');
  return plan;
}

export interface LimitsQuery {
  action?: 'create' | 'update' | undefined;
  org?: string | undefined;
  instance_id?: string | undefined;
  folder_id?: string | undefined;
  file_id?: string | undefined;
}

/**
 * `GET /upload/limits/` in its contexts. PARITY: official client src/api/upload.rs upload_limits
 * and validate_limits_action_context: with `action` (create/update) the target `instance_id` is
 * required (and `file_id` for update), and limits are the target org's; without `action`, the
 * org `org` names, else the plan the caller's new orgs start on. The target is checked like an
 * upload's (a foreign workspace answers 401/10545), so the answer names only what the caller may
 * write to.
 */
export function resolveLimits(
  d: { plans: PlanCatalog; heldBytes: (orgId: string) => number; accountType: 'agent' | 'human' },
  q: LimitsQuery,
  resolveTarget: (q: LimitsQuery) => { org: Org },
  resolveOrg: (ref: string) => Org,
): Record<string, unknown> {
  if (q.action === 'update' && q.file_id === undefined) throw Errors.missingField('file_id', 'string');
  if (q.action !== undefined) {
    if (q.instance_id === undefined) throw Errors.missingField('instance_id', 'string');
    const { org } = resolveTarget(q);
    return limitsJson({ plan: planNamed(d.plans, org.plan, org.plan), org, heldBytes: d.heldBytes(org.id) });
  }
  if (q.org !== undefined) {
    const org = resolveOrg(q.org);
    return limitsJson({ plan: planNamed(d.plans, org.plan, org.plan), org, heldBytes: d.heldBytes(org.id) });
  }
  return limitsJson({ plan: planNamed(d.plans, undefined, d.plans.defaults.new_org[d.accountType]) });
}

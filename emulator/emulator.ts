import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EmulatorConfig } from './config.js';
import { silentLogger } from './logger.js';
import { PlanCatalog, defaultPlansFile } from './billing/plans.js';
import { AuditLog } from './events/audit.js';
import { Clock } from './store/clock.js';
import { Db, STATE_FORMAT, STATE_VERSION, type StateFile } from './store/db.js';
import { IdGenerator, isProfileId } from './store/ids.js';
import { BLOB_CONTENT_TABLE, checkStateHeader, serializeChunks, type StateDocument } from './store/persistence.js';
import type { BlobStore } from './store/blobs.js';
import { cryptoRandom, seededRandom, type RandomSource } from './store/random.js';
import { HeldConnections } from './http/held-connections.js';
import { Mailer } from './users/mailer.js';
import { UserService } from './users/service.js';
import { authRulesFor } from './users/rules.js';
import { CreditLedger } from './billing/ledger.js';
import { Access } from './tenancy/access.js';
import { FaultRules } from './control/faults.js';
import { RequestJournal } from './control/journal.js';
import { OrgService } from './orgs/service.js';
import { WorkspaceService } from './workspaces/service.js';
import { MemberService } from './members/service.js';
import { TransferService } from './transfer/service.js';
import { ActivityHub } from './activity/hub.js';
import { JobQueue } from './storage/job-queue.js';
import { StorageService } from './storage/service.js';
import { IntelligenceService } from './intelligence/service.js';
import { EmulatorParsers } from './intelligence/engine/parser-pool.js';
import { ActivityService } from './activity/service.js';
import { EventService } from './events/service.js';
import { Listeners, type Observable } from './listeners.js';
import { BillingService } from './billing/service.js';
import { subscriptionGate } from './billing/gate.js';
import { OAuthService } from './users/oauth.js';
import { tokenScopeGate } from './users/oauth-scopes.js';
import { ShareService } from './shares/service.js';
import { mountShareStorage } from './shares/share-storage-mount.js';
import { FileshareService } from './shares/fileshare-service.js';
import { mountFileshareWriteback } from './shares/fileshare-writeback.js';
import { followFileshareActivity } from './shares/fileshare-activity.js';
import { CommentService } from './comments/service.js';
import { MetadataArea } from './metadata/area.js';
import { readablePages } from './metadata/pages.js';
import { shareCommentScope, workspaceCommentScope } from './comments/scopes.js';
import { ImportService } from './imports/service.js';

/** Tables that live only as long as the process: sessions die with the instance's JWT secret. */
const EPHEMERAL_TABLES = new Set(['sessions']);

/**
 * One emulator instance: its clock, its records and its services. Everything an instance owns
 * hangs off this object; nothing is module-level, so two instances in one process share nothing.
 */
export class Emulator {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly ids: IdGenerator;
  readonly db: Db;
  readonly plans: PlanCatalog;
  readonly mailer: Mailer;
  readonly users: UserService;
  /** OAuth PKCE: authorization requests, the consent page's codes, token exchange and refresh */
  readonly oauth: OAuthService;
  readonly audit: AuditLog;
  readonly access: Access;
  /** fault-injection rules of the control plane (never part of the saved state) */
  readonly faults: FaultRules;
  /** the last requests answered (`GET /_emulator/requests`; never part of the saved state) */
  readonly journal = new RequestJournal();
  readonly ledger: CreditLedger;
  readonly orgs: OrgService;
  readonly workspaces: WorkspaceService;
  readonly members: MemberService;
  readonly transfer: TransferService;
  /** what changed, per entity: the stamps, the long-poll waiters, the fan-out */
  readonly activityHub: ActivityHub;
  /** upload assembly and ingestion, off the request path */
  readonly jobs: JobQueue;
  readonly storage: StorageService;
  readonly intelligence: IntelligenceService;
  /** this instance's way to the process's document parser workers (parser-pool.ts) */
  readonly parsers: EmulatorParsers;
  /** activity for callers: who may watch which entity, and the long-poll (the hub fed from audit events) */
  readonly activity: ActivityService;
  readonly events: EventService;
  readonly billing: BillingService;
  /** shares of workspaces: lifecycle, lists and share access (emulator/shares/) */
  readonly shares: ShareService;
  /** fileshares (V2) and QuickShares (April) of workspace files (emulator/shares/fileshare-*.ts) */
  readonly fileshares: FileshareService;
  /** comments on files of workspaces and shares (emulator/comments/) */
  readonly comments: CommentService;
  /** cloud imports: identities, sources, import jobs and write-backs (emulator/imports/) */
  readonly imports: ImportService;
  /** metadata templates, node values, extraction and saved views (emulator/metadata/) */
  readonly metadata: MetadataArea;
  private readonly changes = new Listeners<[]>();
  /** After every write, and after a state import; persistence listens here. */
  readonly changed: Observable<[]> = this.changes;
  private readonly replacedState = new Listeners<[]>();
  /** After a whole state was imported (persistence writes a snapshot of it at once). */
  readonly replaced: Observable<[]> = this.replacedState;
  /**
   * Called by the responder before every answer goes out: with `--durability strict`, what the
   * request wrote is on disk when it returns (server.ts sets it to the journal's settle).
   */
  settle: () => void = () => {};
  /** long-polls and WebSockets each credential holds open (bounded per credential) */
  readonly held: HeldConnections;

  constructor(
    readonly config: Readonly<EmulatorConfig>,
    readonly log: Logger = silentLogger(),
    options: { clock?: Clock; plans?: PlanCatalog; reproducibleSecrets?: boolean; blobStore?: BlobStore } = {},
  ) {
    // Stored bytes: in memory, or files next to --data (server.ts passes the store).
    this.db = new Db(options.blobStore);
    this.clock = options.clock ?? new Clock();
    this.random = config.randomSeed !== undefined ? seededRandom(config.randomSeed) : cryptoRandom();
    // Secrets are drawn from node:crypto whatever --random-seed says. `reproducibleSecrets` is for
    // the fixture generator only (its demo keys are published in the scenario files); no flag sets it.
    this.ids = new IdGenerator(this.random, options.reproducibleSecrets ? this.random : cryptoRandom());
    this.plans = options.plans ?? PlanCatalog.load(config.plansFile ?? defaultPlansFile(config.apiDialect));
    const now = () => this.clock.now();
    this.mailer = new Mailer(this.db, this.ids, now);
    this.audit = new AuditLog(this.db, this.ids, now, (err) => this.log.error({ err }, 'audit listener failed'));
    // A JWT secret of this instance only: tokens from another instance (or an earlier run) fail.
    this.users = new UserService(
      this.db,
      this.clock,
      this.ids,
      this.mailer,
      this.audit,
      randomBytes(32).toString('base64url'),
      authRulesFor(config.apiDialect),
    );
    this.access = new Access(this.db);
    this.oauth = new OAuthService({ db: this.db, ids: this.ids, now, audit: this.audit, users: this.users });
    // A scoped credential (OAuth token, API key with scopes) reaches only the orgs and workspaces its grants name.
    this.access.addGate(tokenScopeGate);
    this.faults = new FaultRules(this.random, now);
    this.activityHub = new ActivityHub(now, (err) => this.log.error({ err }, 'activity listener failed'));
    this.ledger = new CreditLedger(this.db, this.ids, this.plans, now, (err) => this.log.error({ err }, 'credit ledger listener failed'));
    const tenancy = { db: this.db, ids: this.ids, now, audit: this.audit, access: this.access, plans: this.plans };
    this.orgs = new OrgService({ ...tenancy, ledger: this.ledger });
    this.workspaces = new WorkspaceService(tenancy);
    this.members = new MemberService({ ...tenancy, mailer: this.mailer });
    this.transfer = new TransferService({ db: this.db, ids: this.ids, now, audit: this.audit, members: this.members, orgs: this.orgs, plans: this.plans });
    this.activity = new ActivityService({ db: this.db, access: this.access, hub: this.activityHub, audit: this.audit });
    this.events = new EventService({ db: this.db, access: this.access });
    this.billing = new BillingService({ db: this.db, ids: this.ids, ledger: this.ledger, plans: this.plans, audit: this.audit, now });
    // An upgrade-only org (the plan catalog says which) answers 402/1688 on resource-consuming actions.
    this.access.addGate(subscriptionGate(this.plans, this.billing.subscriptions));
    this.jobs = new JobQueue(config.ingestDelayMs, (err) => this.log.error({ err }, 'background job failed'), config.maxBackgroundJobs);
    this.held = new HeldConnections({ 'long-poll': config.maxLongPollsPerCredential, websocket: config.maxWebSocketsPerCredential });
    const storageDeps = {
      db: this.db,
      ids: this.ids,
      now,
      audit: this.audit,
      plans: this.plans,
      ledger: this.ledger,
      activityHub: this.activityHub,
      jobs: this.jobs,
    };
    this.storage = new StorageService({ ...storageDeps, access: this.access, log: this.log, webUploadHosts: config.webUploadHosts });
    this.parsers = new EmulatorParsers();
    this.intelligence = new IntelligenceService({
      ...storageDeps,
      access: this.access,
      storage: this.storage,
      workspaces: this.workspaces,
      parsers: this.parsers,
      log: this.log,
    });
    this.shares = new ShareService({ ...tenancy, storage: this.storage });
    mountShareStorage(this);
    this.fileshares = new FileshareService(tenancy);
    mountFileshareWriteback(this);
    followFileshareActivity(this);
    this.events.useShares(this.shares.access);
    this.comments = new CommentService({ db: this.db, ids: this.ids, now, audit: this.audit });
    this.comments.scopes.register(
      'workspace',
      workspaceCommentScope(this.access, (scope, id, trashed) => this.storage.node(scope, id, trashed)),
    );
    this.comments.scopes.register('share', shareCommentScope(this.db, this.shares.access));
    // CHOICE: import jobs and write-backs start 2 s after they are queued (a client can cancel one); settling runs them at once.
    this.imports = new ImportService({
      ...tenancy,
      jobs: this.jobs,
      storage: this.storage,
      importRoot: config.importRoot,
      startDelayMs: Math.max(config.ingestDelayMs, 2000),
    });
    // A change to an imported file of a read-write source queues its write-back.
    this.storage.versionStored.on((node, user) => this.imports.runner.localChange(node, user));
    this.metadata = new MetadataArea({
      db: this.db,
      ids: this.ids,
      now,
      audit: this.audit,
      ledger: this.ledger,
      jobs: this.jobs,
      log: this.log,
      node: (scope, id) => this.storage.node(scope, id),
      pages: (node) => readablePages(node, this.storage.bytesOf(node), this.parsers),
    });
    // An address that verifies accepts the invitations waiting for it.
    this.users.emailVerified.on((user) => this.members.activateInvitations(user));
    this.db.changed.on(() => this.changes.emit());
  }

  /** Releases what the instance holds outside its records: its use of the parser workers. */
  close(): Promise<void> {
    this.parsers.close();
    return Promise.resolve();
  }

  /**
   * The document persistence writes: every table's rows as they are at this call (arrays of the row
   * objects, not copies: rows are replaced on update, never changed in place). A flush writes in
   * chunks and requests run between them; with live iterators, a table read after such a request
   * disagreed with one read before it (a node saved with its old version, the old version's bytes
   * already gone from `blobs`), and a write acknowledged before the flush could come back broken.
   */
  stateDocument(): StateDocument {
    const tables: Record<string, Iterable<unknown>> = {};
    for (const t of this.db.tables) if (!EPHEMERAL_TABLES.has(t.name)) tables[t.name] = t.toArray();
    return { format: STATE_FORMAT, version: STATE_VERSION, savedAt: this.clock.nowIso(), clockOffsetMs: this.clock.offset, tables };
  }

  /** The whole state as a plain object, the bytes as a `blobContent` table (small states, tests). */
  exportState(): StateFile {
    const doc = this.stateDocument();
    const tables = doc.tables as Record<string, unknown[]>;
    const content: { id: string; data: string }[] = [];
    for (const ref of this.referencedBlobs()) {
      const bytes = this.db.blobStore.get(ref);
      if (bytes) content.push({ id: ref, data: bytes.toString('base64') });
    }
    return { ...doc, tables: { ...tables, [BLOB_CONTENT_TABLE]: content } };
  }

  /**
   * The export as text in pieces (`GET /_emulator/state`): one row per line, each blob's base64
   * made in pieces, so no string of the whole state (or of a large file) is ever built.
   */
  exportChunks(): Generator<string> {
    return serializeChunks({ ...this.stateDocument(), blobContent: { refs: this.referencedBlobs(), get: (ref) => this.db.blobStore.get(ref) } });
  }

  /** The distinct contents the `blobs` rows name, at this call. */
  private referencedBlobs(): string[] {
    const refs = new Set<string>();
    for (const b of this.db.blobs.values()) refs.add(b.sha256);
    return [...refs];
  }

  /**
   * Replace the whole state (`PUT /_emulator/state`, `--seed`, `--data`). Unknown tables are refused.
   * Version 1 carried bytes as base64 in `blobs` rows (`data`); version 2 in a `blobContent`
   * table (an export) or in the blob store's files (`--data`). Both go to the blob store.
   */
  importState(raw: unknown, where = 'the state'): void {
    const file = checkStateHeader(raw, where);
    const known = new Map(this.db.tables.map((t) => [t.name, t]));
    for (const name of Object.keys(file.tables)) {
      if (!known.has(name) && name !== BLOB_CONTENT_TABLE) throw new Error(`${where}: unknown table ${name}`);
    }
    for (const [name, rows] of Object.entries(file.tables)) {
      for (const row of rows) {
        if (!row || typeof row !== 'object' || typeof (row as { id?: unknown }).id !== 'string') {
          throw new Error(`${where}: table ${name} has a row without a string id`);
        }
      }
    }
    const content = (file.tables[BLOB_CONTENT_TABLE] ?? []) as { id: string; data?: unknown }[];
    for (const c of content) {
      if (typeof c.data !== 'string') throw new Error(`${where}: ${BLOB_CONTENT_TABLE} row ${c.id} has no base64 data`);
    }
    const blobRows = (file.tables.blobs ?? []) as { id: string; data?: unknown; size?: unknown; sha256?: unknown }[];
    for (const b of blobRows) {
      if (b.data !== undefined && typeof b.data !== 'string') throw new Error(`${where}: blob ${b.id} has data that is not base64 text`);
      if (b.data === undefined && typeof b.sha256 !== 'string') throw new Error(`${where}: blob ${b.id} has neither data nor sha256`);
    }
    this.db.replacing(() => {
      this.db.clear();
      for (const c of content) {
        const bytes = Buffer.from(c.data as string, 'base64');
        if (this.db.blobStore.put(bytes) !== c.id) throw new Error(`${where}: ${BLOB_CONTENT_TABLE} row ${c.id} does not hold the bytes of that sha256`);
      }
      const blobs = blobRows.map((b) => {
        if (typeof b.data !== 'string') return b;
        const bytes = Buffer.from(b.data, 'base64');
        // Version 1: the bytes move to the store; the row keeps its id, size and address.
        return { id: b.id, size: bytes.length, sha256: this.db.blobStore.put(bytes) };
      });
      for (const [name, rows] of Object.entries(file.tables)) {
        if (name === BLOB_CONTENT_TABLE) continue;
        known.get(name)!.load((name === 'blobs' ? blobs : rows) as { id: string }[]);
        for (const row of rows as { id: string }[]) if (isProfileId(row.id)) this.ids.reserve(row.id);
      }
      // Bytes the earlier state held and this one does not name: freed now in memory; as files,
      // once the snapshot of this state is on disk (persistence.ts).
    });
    this.clock.restoreOffset(file.clockOffsetMs ?? 0);
    this.stateReplaced();
    this.replacedState.emit();
    this.changes.emit();
  }

  /**
   * Empty state: users, orgs, everything, and the request journal and fault rules with them; this
   * is all `POST /_emulator/reset` does. The clock goes back to real time: with the state emptied
   * no token, period or event is left that an earlier time could bring back, and an offset left by
   * `POST /_emulator/clock/advance` would otherwise outlive the state it was for (issue 21).
   */
  reset(): void {
    this.db.clear();
    this.journal.clear();
    this.faults.clear();
    this.clock.resetOffset();
    this.stateReplaced();
  }

  /**
   * Everything derived from the records is dropped after they are replaced: ledger sums, cached
   * key lookups, activity logs. Work scheduled on the old state stops; search indexes are rebuilt
   * lazily; work in flight resumes.
   */
  private stateReplaced(): void {
    this.ledger.invalidate();
    this.users.stateReplaced();
    this.activityHub.clear();
    this.jobs.reset();
    this.storage.stateReplaced();
    this.intelligence.stateReplaced();
  }
}

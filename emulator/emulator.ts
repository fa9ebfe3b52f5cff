import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { EmulatorConfig } from './config.js';
import { silentLogger } from './logger.js';
import { PlanCatalog, defaultPlansFile } from './billing/plans.js';
import { AuditLog } from './events/audit.js';
import { Clock } from './store/clock.js';
import { Db, STATE_FORMAT, STATE_VERSION, type StateFile } from './store/db.js';
import { IdGenerator, isProfileId } from './store/ids.js';
import { checkStateHeader, type StateDocument } from './store/persistence.js';
import { cryptoRandom, seededRandom, type RandomSource } from './store/random.js';
import { Mailer } from './users/mailer.js';
import { UserService } from './users/service.js';
import { CreditLedger } from './billing/ledger.js';
import { Access } from './tenancy/access.js';
import { OrgService } from './orgs/service.js';
import { WorkspaceService } from './workspaces/service.js';
import { MemberService } from './members/service.js';
import { TransferService } from './transfer/service.js';

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
  readonly db = new Db();
  readonly plans: PlanCatalog;
  readonly mailer: Mailer;
  readonly users: UserService;
  readonly audit: AuditLog;
  readonly access: Access;
  readonly ledger: CreditLedger;
  readonly orgs: OrgService;
  readonly workspaces: WorkspaceService;
  readonly members: MemberService;
  readonly transfer: TransferService;
  /** Called after every write; persistence hooks in here. */
  private changeHook: () => void = () => {};

  constructor(
    readonly config: Readonly<EmulatorConfig>,
    readonly log: Logger = silentLogger(),
    options: { clock?: Clock; plans?: PlanCatalog } = {},
  ) {
    this.clock = options.clock ?? new Clock();
    this.random = config.randomSeed !== undefined ? seededRandom(config.randomSeed) : cryptoRandom();
    this.ids = new IdGenerator(this.random);
    this.plans = options.plans ?? PlanCatalog.load(config.plansFile ?? defaultPlansFile());
    const now = () => this.clock.now();
    this.mailer = new Mailer(this.db, this.ids, now);
    this.audit = new AuditLog(this.db, this.ids, now, (err) => this.log.error({ err }, 'audit listener failed'));
    // A JWT secret of this instance only: tokens from another instance (or an earlier run) fail.
    this.users = new UserService(this.db, this.clock, this.ids, this.mailer, this.audit, randomBytes(32).toString('base64url'));
    this.access = new Access(this.db);
    this.ledger = new CreditLedger(this.db, this.ids, this.plans, now);
    const tenancy = { db: this.db, ids: this.ids, now, audit: this.audit, access: this.access, plans: this.plans };
    this.orgs = new OrgService({ ...tenancy, ledger: this.ledger });
    this.workspaces = new WorkspaceService(tenancy);
    this.members = new MemberService({ ...tenancy, mailer: this.mailer });
    this.transfer = new TransferService({ db: this.db, ids: this.ids, now, audit: this.audit, members: this.members, orgs: this.orgs });
    // An address that verifies accepts the invitations waiting for it.
    this.users.addListener({ emailVerified: (user) => this.members.activateInvitations(user) });
    this.db.onChange(() => this.changeHook());
  }

  onChange(hook: () => void): void {
    this.changeHook = hook;
  }

  /** The live document persistence writes (row iterables, not copies). */
  stateDocument(): StateDocument {
    const tables: Record<string, Iterable<unknown>> = {};
    for (const t of this.db.tables) if (!EPHEMERAL_TABLES.has(t.name)) tables[t.name] = t.values();
    return { format: STATE_FORMAT, version: STATE_VERSION, savedAt: this.clock.nowIso(), clockOffsetMs: this.clock.offset, tables };
  }

  /** The whole state as a plain object (`GET /_emulator/state`). */
  exportState(): StateFile {
    const doc = this.stateDocument();
    const tables: Record<string, unknown[]> = {};
    for (const [name, rows] of Object.entries(doc.tables)) tables[name] = [...rows];
    return { ...doc, tables };
  }

  /** Replace the whole state (`PUT /_emulator/state`, `--seed`, `--data`). Unknown tables are refused. */
  importState(raw: unknown, where = 'the state'): void {
    const file = checkStateHeader(raw, where);
    const known = new Map(this.db.tables.map((t) => [t.name, t]));
    for (const name of Object.keys(file.tables)) {
      if (!known.has(name)) throw new Error(`${where}: unknown table ${name}`);
    }
    for (const [name, rows] of Object.entries(file.tables)) {
      for (const row of rows) {
        if (!row || typeof row !== 'object' || typeof (row as { id?: unknown }).id !== 'string') {
          throw new Error(`${where}: table ${name} has a row without a string id`);
        }
      }
    }
    this.db.clear();
    for (const [name, rows] of Object.entries(file.tables)) {
      known.get(name)!.load(rows as { id: string }[]);
      for (const row of rows as { id: string }[]) if (isProfileId(row.id)) this.ids.reserve(row.id);
    }
    this.clock.restoreOffset(file.clockOffsetMs ?? 0);
    this.ledger.invalidate();
    this.changeHook();
  }

  /** Empty state: users, orgs, everything. The clock keeps its time (it never runs backwards). */
  reset(): void {
    this.db.clear();
    this.ledger.invalidate();
  }
}

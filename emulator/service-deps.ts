/**
 * What the Emulator hands its area services, described once. A service names the part it uses
 * (`Pick<ServiceDeps, ...>`, or `TenancyDeps` plus a few), so its signature says exactly what it
 * reaches for and a dependency's type is written in one place.
 */
import type { Logger } from 'pino';
import type { ActivityHub } from './activity/hub.js';
import type { CreditLedger } from './billing/ledger.js';
import type { PlanCatalog } from './billing/plans.js';
import type { AuditLog } from './events/audit.js';
import type { JobQueue } from './storage/job-queue.js';
import type { Db } from './store/db.js';
import type { IdGenerator } from './store/ids.js';
import type { Access } from './tenancy/access.js';
import type { Mailer } from './users/mailer.js';

export interface ServiceDeps {
  db: Db;
  ids: IdGenerator;
  /** the emulator clock's now, in ms */
  now: () => number;
  audit: AuditLog;
  access: Access;
  plans: PlanCatalog;
  ledger: CreditLedger;
  activityHub: ActivityHub;
  jobs: JobQueue;
  mailer: Mailer;
  log: Logger;
}

/** What every service that reads and changes tenants' records needs. */
export type TenancyDeps = Pick<ServiceDeps, 'db' | 'ids' | 'now' | 'audit' | 'access' | 'plans'>;

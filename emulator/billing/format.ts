/** The billing area's wire shapes: plans, credit usage, ledger entries, meters, billable members. */
import { formatTime } from '../http/format.js';
import type { Invoice, LedgerEntry, Org } from '../store/model.js';
import type { Emulator } from '../emulator.js';
import type { Plan } from './plans.js';
import type { BillableMember, MeterReport } from './service.js';

/** A plan row. The price fields appear only where the catalog prices the plan (V2), as the client reads them: `amount` in cents. */
export function planJson(p: Plan): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    account_types: p.account_types,
    credits_per_period: p.credits_per_period,
    storage_bytes: p.storage_bytes,
    max_file_bytes: p.max_file_bytes,
    workspaces: p.workspaces,
    members_per_workspace: p.members_per_workspace,
    features: p.features,
    ...(p.amount !== null ? { amount: p.amount, currency: p.currency, interval: p.interval } : {}),
  };
}

/** Unix seconds, as the official client reads `cancel_at` and `current_period_end` of the cancel and reactivate answers. */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * The subscription of an org on a priced plan, or null. Times as Unix seconds: the client formats
 * `subscription.{current_period_start,current_period_end,cancel_at}` from integers (commands/org.rs format_details).
 */
export function subscriptionJson(org: Org, emu: Emulator): Record<string, unknown> | null {
  const renews = emu.billing.subscriptions.renews(org);
  if (renews === null) return null;
  const period = emu.ledger.period(org);
  return {
    id: `sub_${org.id}`,
    plan: org.plan,
    status: renews ? 'active' : 'scheduled_cancellation',
    current_period_start: unixSeconds(period.start),
    current_period_end: unixSeconds(period.end),
    cancel_at: org.cancelAt != null ? unixSeconds(org.cancelAt) : null,
    cancel_at_period_end: !renews,
  };
}

export function invoiceJson(i: Invoice): Record<string, unknown> {
  return {
    id: i.id,
    status: 'paid',
    plan: i.plan,
    reason: i.reason,
    currency: i.currency,
    amount_due: i.amount,
    amount_paid: i.amount,
    subtotal: i.amount,
    total: i.amount,
    period_start: formatTime(i.periodStart),
    period_end: formatTime(i.periodEnd),
    created: formatTime(i.created),
  };
}

/**
 * The org's billing details. `creditsJson` below reads the same usage with other names
 * (`period_start` there, `current_period_start` here) and other fields: two documented answers,
 * so two shapes rather than one with switches (the `duplicates` tool pairs them by shape).
 */
export function billingDetails(org: Org, emu: Emulator): Record<string, unknown> {
  const u = emu.billing.usage(org);
  return {
    org_id: org.id,
    billing_plan: org.plan,
    plan: u.plan ? planJson(u.plan) : null,
    subscriber: u.subscriber,
    current_period_start: formatTime(u.period.start),
    current_period_end: formatTime(u.period.end),
    credits_limit: u.limit,
    subscription: subscriptionJson(org, emu),
    cancel_at: org.cancelAt != null ? unixSeconds(org.cancelAt) : null,
    cancel_at_period_end: org.cancelAt != null,
  };
}

export function creditsJson(org: Org, emu: Emulator): Record<string, unknown> {
  const u = emu.billing.usage(org);
  return {
    credits_used: u.used,
    credits_limit: u.limit,
    credits_remaining: u.remaining,
    period_start: formatTime(u.period.start),
    period_end: formatTime(u.period.end),
    subscriber: u.subscriber,
    plan: org.plan,
    breakdown: u.byKind,
  };
}

export function entryJson(e: LedgerEntry): Record<string, unknown> {
  return {
    id: e.id,
    org_id: e.orgId,
    workspace_id: e.workspaceId,
    share_id: e.shareId,
    kind: e.kind,
    units: e.units,
    credits: e.credits,
    object_id: e.objectId,
    user_id: e.userId,
    created: formatTime(e.created),
  };
}

export function meterReportJson(
  meter: string,
  start: number,
  end: number,
  workspaceId: string | undefined,
  shareId: string | undefined,
  report: MeterReport,
): Record<string, unknown> {
  return {
    meter,
    start_time: formatTime(start),
    end_time: formatTime(end),
    workspace_id: workspaceId ?? null,
    share_id: shareId ?? null,
    total: report.total,
    credits: report.credits,
    meters: report.days,
  };
}

export function billableMemberJson(m: BillableMember): Record<string, unknown> {
  return {
    id: m.user.id,
    email_address: m.user.email,
    first_name: m.user.firstName,
    last_name: m.user.lastName,
    account_type: m.user.accountType,
    permissions: m.orgRole,
    workspaces: m.workspaces,
  };
}

/** The UTC day of a time, as meters name it (`YYYY-MM-DD`). */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

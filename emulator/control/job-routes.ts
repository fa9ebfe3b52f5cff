/**
 * The control routes a test uses to drive background work and billing: wait for (or run) the job
 * queue, charge an org's credits directly. Composed by controlRoutes (routes.ts).
 */
import { defineRoute } from '../http/define.js';
import { Errors } from '../http/errors.js';
import type { AnyRoute } from '../http/route.js';
import { creditsJson, entryJson } from '../billing/format.js';
import type { LedgerKind } from '../store/model.js';
import { ledgerChargeBody, settleQuery } from './schema.js';

export function jobRoutes(): AnyRoute[] {
  return [
    // Moved from storage/routes.ts and billing/routes.ts: a control route lives in control/.
    defineRoute({
      method: 'POST',
      path: '/_emulator/jobs/settle',
      area: 'control',
      summary: 'Wait until upload assembly and ingestion have nothing scheduled or running (`now=true`: run them without their delay)',
      auth: 'none',
      query: settleQuery,
      emulatorOnly: true,
      parity: { status: 'implemented', source: 'emulator control plane (no live counterpart)' },
      handler: async (_ctx, { query }, emu) => {
        const timeoutMs = query.timeout_ms ?? 30_000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
        const work = query.now ? emu.jobs.drain() : emu.jobs.settle();
        const outcome = await Promise.race([work.then(() => 'settled' as const), timedOut]);
        clearTimeout(timer);
        return { settled: outcome === 'settled', pending: emu.jobs.size };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/_emulator/ledger/charge',
      area: 'control',
      summary: "Charge an org's credits as storage, ingestion or chat would (test credit exhaustion)",
      auth: 'none',
      emulatorOnly: true,
      body: ledgerChargeBody,
      parity: { status: 'implemented', source: 'emulator control plane (no live counterpart)' },
      handler: (ctx, { body }, emu) => {
        const org = emu.access.findOrg(body.org_id);
        if (!org) throw Errors.notFound('organization');
        // The org is named in the body: for the journal.
        ctx.tenantResolved(org.id);
        const entry = emu.ledger.charge(org, {
          kind: body.kind as LedgerKind,
          units: body.units ?? 0,
          credits: body.credits,
          workspaceId: body.workspace_id ?? null,
          shareId: body.share_id ?? null,
          objectId: body.object_id ?? null,
          userId: body.user_id ?? null,
        });
        return { entry: entryJson(entry), ...creditsJson(emu.db.orgs.get(org.id) ?? org, emu) };
      },
    }),
  ];
}

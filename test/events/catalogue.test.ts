import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/emulator.js';
import { loadConfig } from '../../emulator/config.js';
import { AUDIT_EVENT_NAMES, AuditEvents, activityTouches } from '../../emulator/events/catalogue.js';
import type { Org } from '../../emulator/store/model.js';

const ROOT = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

describe('the event catalogue', () => {
  it('is the only way into the audit log: a hand-built event is refused at run time', () => {
    const emu = new Emulator(loadConfig({ port: 0 }));
    const before = emu.db.events.size;
    // Not in the catalogue at all.
    expect(() => emu.audit.record({ event: 'made_up_event', category: 'workspace', subcategory: 'storage', callingUserId: null } as never)).toThrow(
      /not in the event catalogue/,
    );
    // A catalogued name filed where the catalogue does not file it.
    expect(() => emu.audit.record({ event: 'ai_chat_created', category: 'workspace', subcategory: 'storage', callingUserId: null } as never)).toThrow(
      /does not list/,
    );
    expect(() => emu.audit.record({ event: 'org_created', category: 'org', subcategory: 'settings', callingUserId: null } as never)).toThrow(/does not list/);
    expect(emu.db.events.size).toBe(before);
    // @ts-expect-error an event spelled out by hand is not a catalogued event (a type error as well)
    expect(() => emu.audit.record({ event: 'org_created', category: 'org', subcategory: 'lifecycle', callingUserId: null })).not.toThrow();
    const built = emu.audit.record(AuditEvents.creditsThresholdReached({ id: '1234567890123456789' } as Org, { threshold: 80 }));
    expect(built).toMatchObject({ event: 'credits_threshold_reached', category: 'billing', subcategory: 'billing', orgId: '1234567890123456789' });
  });

  it('no area records an event it spells out itself (source scan)', () => {
    const offenders: string[] = [];
    for (const file of sources(join(ROOT, 'emulator'))) {
      const rel = relative(ROOT, file).replaceAll('\\', '/');
      const text = readFileSync(file, 'utf8');
      // `audit.record({`, `this.d.audit.record(\n  {`, and a variable holding an object literal
      // recorded later are all caught by asking that the argument be a catalogue call.
      for (const m of text.matchAll(/audit\.record\(\s*([^)]{0,40})/g)) {
        if (!/^(AuditEvents\.|kind\.events\.|archived \? AuditEvents\.)/.test(m[1]!)) offenders.push(`${rel}: audit.record(${m[1]!.split('\n')[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('derives the activity keys of every catalogued event from its entry', () => {
    for (const event of AUDIT_EVENT_NAMES) {
      const touches = activityTouches({
        id: 'a',
        event,
        category: '',
        subcategory: '',
        orgId: 'org',
        workspaceId: 'ws',
        shareId: null,
        userId: 'user',
        callingUserId: 'user',
        objectId: 'obj',
        data: {},
        acknowledged: false,
        created: 0,
      });
      expect(touches.length, event).toBeGreaterThan(0);
      for (const t of touches) expect(t.key, event).toMatch(/^[a-z_]+(:obj)?$/);
    }
    // an event the catalogue does not know touches nothing (imported history is not replayed)
    expect(activityTouches({ event: 'made_up_event' } as never)).toEqual([]);
  });
});

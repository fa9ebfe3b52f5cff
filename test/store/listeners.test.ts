import { describe, expect, it } from 'vitest';
import { Emulator } from '../../emulator/emulator.js';
import { loadConfig } from '../../emulator/config.js';
import { Listeners } from '../../emulator/listeners.js';

describe('Listeners', () => {
  it('calls every listener in order, and each unsubscribe removes only its own', () => {
    const l = new Listeners<[number]>();
    const heard: string[] = [];
    const stopA = l.on((n) => heard.push(`a${n}`));
    l.on((n) => heard.push(`b${n}`));
    const twice = (n: number) => heard.push(`c${n}`);
    const stopC1 = l.on(twice);
    l.on(twice);
    l.emit(1);
    stopA();
    stopA();
    stopC1();
    l.emit(2);
    expect(heard).toEqual(['a1', 'b1', 'c1', 'c1', 'b2', 'c2']);
    expect(l.size).toBe(2);
  });

  it('walks the listeners as they were when the emit began', () => {
    const l = new Listeners<[]>();
    const heard: string[] = [];
    let stopB: () => void = () => {};
    l.on(() => {
      heard.push('a');
      stopB();
      l.on(() => heard.push('late'));
    });
    stopB = l.on(() => heard.push('b'));
    l.emit();
    expect(heard).toEqual(['a', 'b']);
    l.emit();
    expect(heard).toEqual(['a', 'b', 'a', 'late']);
  });

  it('reports a throwing listener and still tells the others, when given onError', () => {
    const errors: unknown[] = [];
    const l = new Listeners<[]>((err) => errors.push(err));
    let heard = 0;
    l.on(() => {
      throw new Error('boom');
    });
    l.on(() => heard++);
    l.emit();
    expect(heard).toBe(1);
    expect(errors).toHaveLength(1);
    const bare = new Listeners<[]>();
    bare.on(() => {
      throw new Error('boom');
    });
    expect(() => bare.emit()).toThrow('boom');
  });

  it("gives every observer of the emulator's writes its own hearing (none replaces another)", () => {
    const emu = new Emulator(loadConfig({ port: 0 }));
    let first = 0;
    let second = 0;
    emu.changed.on(() => first++);
    const stop = emu.changed.on(() => second++);
    emu.db.mailbox.insert({ id: 'm1', to: 'a@b.c', toKey: 'a@b.c', subject: 's', kind: 'notice', code: null, body: '', created: 0 });
    stop();
    emu.db.mailbox.delete('m1');
    expect(first).toBe(2);
    expect(second).toBe(1);
  });
});

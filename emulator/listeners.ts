/**
 * The one way to listen: every observable of the emulator offers `on(listener)`, which adds a
 * listener (any number of them, each heard in the order added) and returns the function that
 * removes it again. The owner keeps the `Listeners` and hands out only its `Observable` face.
 */
export interface Observable<A extends unknown[]> {
  on(listener: (...args: A) => void): () => void;
}

export class Listeners<A extends unknown[]> implements Observable<A> {
  /**
   * Replaced, never changed in place: an emit walks the list as it was when it began, so a
   * listener that stops listening (or adds another, or causes a nested emit) while it runs
   * changes only later emits, and emitting allocates nothing.
   */
  private list: readonly ((...args: A) => void)[] = [];

  /** With `onError`, a listener that throws is reported and the others still hear; without, the error reaches the emitter. */
  constructor(private readonly onError?: (err: unknown) => void) {}

  on(listener: (...args: A) => void): () => void {
    this.list = [...this.list, listener];
    let listening = true;
    return () => {
      if (!listening) return;
      listening = false;
      const i = this.list.indexOf(listener);
      if (i >= 0) this.list = [...this.list.slice(0, i), ...this.list.slice(i + 1)];
    };
  }

  emit(...args: A): void {
    const onError = this.onError;
    for (const l of this.list) {
      if (!onError) {
        l(...args);
        continue;
      }
      try {
        l(...args);
      } catch (err) {
        onError(err);
      }
    }
  }

  /** How many listen (tests, health). */
  get size(): number {
    return this.list.length;
  }
}

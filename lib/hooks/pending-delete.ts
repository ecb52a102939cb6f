// A delete's undo window, as a plain state machine (the hook around it only adds React state):
// one delete waits at a time; a second one, the window closing or a flush sends it; Undo drops it.

export interface PendingDeleteOptions<T> {
  undoMs: number;
  /** The item now waiting, or null when none is. */
  onChange(item: T | null): void;
  setTimer?: (callback: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clearTimer?: (timer: ReturnType<typeof setTimeout>) => void;
}

export interface PendingDelete<T> {
  /**
   * Starts the undo window for item, sending any delete still waiting first. `commit` sends it (the
   * window closed, another delete began, or the page is being hidden).
   */
  start(item: T, commit: (item: T) => void): void;
  /** Drops the waiting delete; returns its item, if there was one. */
  undo(): T | undefined;
  /** Sends the waiting delete now, if there is one. */
  flush(): void;
  current(): T | undefined;
}

export function createPendingDelete<T>(options: PendingDeleteOptions<T>): PendingDelete<T> {
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer));
  let waiting: { item: T; timer: ReturnType<typeof setTimeout>; commit: (item: T) => void } | null = null;

  const take = () => {
    const entry = waiting;
    if (!entry) return null;
    clearTimer(entry.timer);
    waiting = null;
    options.onChange(null);
    return entry;
  };

  const flush = () => {
    const entry = take();
    if (entry) entry.commit(entry.item);
  };

  return {
    start(item, commit) {
      flush();
      const entry = { item, commit, timer: setTimer(() => waiting === entry && flush(), options.undoMs) };
      waiting = entry;
      options.onChange(item);
    },
    undo: () => take()?.item,
    flush,
    current: () => waiting?.item,
  };
}

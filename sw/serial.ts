// How the worker keeps its own work from overlapping. Events arrive at any
// time (a push, a background sync, activation, a click) and each may start the
// same work; these keep that work in order without a lock the browser would
// have to know about.

/**
 * Returns a runner that runs the tasks it is given one after another, in the order they were given.
 * A failed task does not stop the next; its caller sees the failure (or the task's result).
 */
export function inOrder(): <T>(task: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = last.then(task, task);
    last = run.catch(() => undefined);
    return run;
  };
}

/**
 * Wraps `work` so that two runs never overlap. A call while it runs does not start a second run beside it:
 * it waits, and then one more run starts, shared by every caller that came meanwhile (what they wanted done
 * may have arrived after the running one had looked). Each caller gets the result of a run that started after
 * its call.
 */
export function coalesced<T>(work: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  function start(): Promise<T> {
    const run = work().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  }
  return () => {
    if (!running) return start();
    next ??= running.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      next = undefined;
      return start();
    });
    return next;
  };
}

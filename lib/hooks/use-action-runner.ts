"use client";
// A user action with its outcome said: announced when done, or kept as the failure the page shows
// in a role="alert" banner (which screen readers announce by itself).
import { useCallback, useState } from "react";

export interface ActionFailure {
  what: string;
  error: Error;
}

export function useActionRunner(announce: (message: string) => void) {
  const [failure, setFailure] = useState<ActionFailure | null>(null);

  const fail = useCallback((what: string, error: unknown) => {
    setFailure({ what, error: error instanceof Error ? error : new Error(String(error)) });
  }, []);

  const run = useCallback(
    async (what: string, action: () => Promise<unknown>, done: string) => {
      try {
        await action();
        setFailure(null);
        announce(done);
      } catch (error) {
        fail(what, error);
      }
    },
    [announce, fail],
  );

  const clearFailure = useCallback(() => setFailure(null), []);

  return { failure, run, fail, clearFailure };
}

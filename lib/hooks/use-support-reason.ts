"use client";
// The reason support gave for looking at one user, kept for this visit (sessionStorage, per user).
import { useCallback, useState } from "react";
import { forgetReason, loadReason, saveReason } from "@/lib/support/reason";

export function useSupportReason(userId: string) {
  const [state, setState] = useState(() => ({ userId, reason: loadReason(userId) }));
  // Another user opened in the same page: their own reason, if one was given this visit.
  const current = state.userId === userId ? state : { userId, reason: loadReason(userId) };
  if (current !== state) setState(current);

  const setReason = useCallback(
    (reason: string) => {
      saveReason(userId, reason);
      setState({ userId, reason });
    },
    [userId],
  );
  const clearReason = useCallback(() => {
    forgetReason(userId);
    setState({ userId, reason: undefined });
  }, [userId]);

  return { reason: current.reason, setReason, clearReason };
}

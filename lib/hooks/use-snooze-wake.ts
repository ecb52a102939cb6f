"use client";
// Reads the list again when the earliest loaded snooze ends: the service wakes due snoozes on a read,
// so the item returns to the inbox live, with or without push on this device.
import { useEffect, useMemo, useRef, useState } from "react";
import type { Notification } from "@/contracts/notification";
import { nextSnoozeEnd, wakeDelay } from "./snoozed-items";

export function useSnoozeWake(items: readonly Notification[], reload: () => unknown): void {
  // Keyed on the end itself, so an unrelated change to the list does not restart the timer.
  const next = useMemo(() => nextSnoozeEnd(items), [items]);
  const reloadRef = useRef(reload);
  useEffect(() => {
    reloadRef.current = reload;
  });
  // Counts the timer's firings: a snooze still read as snoozed after its end is tried again.
  const [round, setRound] = useState(0);
  useEffect(() => {
    const delay = wakeDelay(next, Date.now());
    if (delay === null) return;
    const timer = setTimeout(() => {
      void reloadRef.current();
      setRound((r) => r + 1);
    }, delay);
    return () => clearTimeout(timer);
  }, [next, round]);
}

"use client";
// The filters of support's view of one user's inbox, kept for the visit (this tab), so coming back
// from a notification's timeline finds the list as it was left.
import { useCallback, useState } from "react";
import type { SupportInboxFilters } from "@/lib/api/query";

const KEY_PREFIX = "support-filters:";
const DEFAULT: SupportInboxFilters = { state: "all" };

function load(userId: string): SupportInboxFilters {
  try {
    const raw = typeof sessionStorage === "undefined" ? null : sessionStorage.getItem(KEY_PREFIX + userId);
    const parsed = raw ? (JSON.parse(raw) as Partial<SupportInboxFilters>) : undefined;
    return parsed && typeof parsed.state === "string" ? { ...DEFAULT, ...parsed } : DEFAULT;
  } catch {
    return DEFAULT;
  }
}

export function useSupportInboxFilters(userId: string) {
  const [filters, setState] = useState(() => load(userId));
  const setFilters = useCallback(
    (next: SupportInboxFilters) => {
      setState(next);
      try {
        sessionStorage.setItem(KEY_PREFIX + userId, JSON.stringify(next));
      } catch {
        // Kept in memory only.
      }
    },
    [userId],
  );
  return { filters, setFilters };
}

"use client";
// The header badge: `$count` of unread, active items, revalidated on focus.
import useSWR from "swr";
import { useApiClient } from "@/lib/api/api-client-context";
import { UNREAD_COUNT_FILTER } from "@/lib/api/query";

export const UNREAD_COUNT_KEY = ["notifications", "$count", UNREAD_COUNT_FILTER] as const;

export function useUnreadCount() {
  const client = useApiClient();
  const { data, error, isLoading, mutate } = useSWR(client ? UNREAD_COUNT_KEY : null, () => client!.count(UNREAD_COUNT_FILTER), {
    revalidateOnFocus: true,
  });
  return { count: data, error: error as Error | undefined, isLoading, mutate };
}

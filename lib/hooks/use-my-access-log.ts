"use client";
// Settings → "Who looked at my inbox": support's reads of the signed-in user's data, newest first,
// grouped into visits, with "Show older" over `@odata.nextLink`.
import { useMemo } from "react";
import useSWRInfinite from "swr/infinite";
import { useApiClient } from "@/lib/api/api-client-context";
import type { ListPage } from "@/lib/api/client";
import type { AccessLogEntry } from "@/contracts/support";
import { groupAccessVisits } from "@/lib/support/access-log";

type PageKey = readonly ["me", "accessLog", string | null];

export function useMyAccessLog() {
  const client = useApiClient();
  const { data, error, isLoading, size, setSize, mutate } = useSWRInfinite(
    (index: number, previous: ListPage<AccessLogEntry> | null): PageKey | null => {
      if (!client) return null;
      if (index === 0) return ["me", "accessLog", null];
      const next = previous?.["@odata.nextLink"];
      return next ? ["me", "accessLog", next] : null;
    },
    ([, , next]: PageKey) => (next ? client!.myAccessLogPage(next) : client!.myAccessLog(20)),
    { revalidateOnFocus: true, revalidateFirstPage: true },
  );
  const visits = useMemo(() => (data ? groupAccessVisits(data.flatMap((p) => p.value ?? [])) : undefined), [data]);
  return {
    visits,
    error: error as Error | undefined,
    isLoading,
    hasMore: Boolean(data?.[data.length - 1]?.["@odata.nextLink"]),
    isLoadingMore: size > 0 && data !== undefined && data.length < size,
    loadMore: () => setSize(size + 1),
    reload: () => mutate(),
  };
}

"use client";
// Support's people search: the tenant's users matching what was typed, asked ~200 ms after typing
// stops; the previous answer stays on screen while the next one loads.
import useSWR from "swr";
import { useApiClient } from "@/lib/api/api-client-context";
import { SUPPORT_READ_OPTIONS } from "./support-reads";
import { useDebouncedValue } from "./use-debounced-value";

export const DIRECTORY_DEBOUNCE_MS = 200;

export function useDirectorySearch(text: string) {
  const client = useApiClient();
  const query = useDebouncedValue(text.trim(), DIRECTORY_DEBOUNCE_MS);
  const { data, error, isLoading, isValidating, mutate } = useSWR(
    client && query ? ["support", "users", query] : null,
    () => client!.searchUsers(query),
    { ...SUPPORT_READ_OPTIONS, keepPreviousData: true },
  );
  return {
    /** The words the shown answer is for. */
    query,
    users: query ? data?.value : undefined,
    hasMore: Boolean(data?.["@odata.nextLink"]),
    error: error as Error | undefined,
    isLoading,
    /** Typing, or an answer on its way. */
    isSearching: text.trim() !== query || isValidating,
    retry: () => mutate(),
  };
}

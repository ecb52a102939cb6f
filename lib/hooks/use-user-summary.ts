"use client";
// Support: who the user is and how their inbox stands (`GET /users/{id}`), once a reason is given.
import useSWR from "swr";
import { useApiClient } from "@/lib/api/api-client-context";
import { SUPPORT_READ_OPTIONS } from "./support-reads";

export function useUserSummary(userId: string, reason: string | undefined) {
  const client = useApiClient();
  const { data, error, isLoading, mutate } = useSWR(
    client && reason ? ["support", "summary", userId, reason] : null,
    () => client!.getUserSummary(userId, reason!),
    SUPPORT_READ_OPTIONS,
  );
  return { summary: data, error: error as Error | undefined, isLoading, reload: () => mutate() };
}

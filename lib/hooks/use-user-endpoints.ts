"use client";
// Support: another user's devices (`GET /users/{id}/notifications/subscriptions`), read-only.
import useSWR from "swr";
import { useApiClient } from "@/lib/api/api-client-context";
import { SUPPORT_READ_OPTIONS } from "./support-reads";

export function useUserEndpoints(userId: string, reason: string | undefined) {
  const client = useApiClient();
  const { data, error, isLoading, mutate } = useSWR(
    client && reason ? ["support", "endpoints", userId, reason] : null,
    () => client!.listUserEndpoints(userId, reason!),
    SUPPORT_READ_OPTIONS,
  );
  return { endpoints: data, error: error as Error | undefined, isLoading, reload: () => mutate() };
}

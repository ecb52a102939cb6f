"use client";
// Support: who from support looked at this user's data (the audit log; reading it needs no reason).
import { useMemo } from "react";
import useSWR from "swr";
import { useApiClient } from "@/lib/api/api-client-context";
import { groupAccessVisits } from "@/lib/support/access-log";
import { SUPPORT_READ_OPTIONS } from "./support-reads";

export function useUserAccessLog(userId: string, enabled: boolean) {
  const client = useApiClient();
  const { data, error, isLoading, mutate } = useSWR(client && enabled ? ["support", "accessLog", userId] : null, () => client!.accessLogAbout(userId, 50), SUPPORT_READ_OPTIONS);
  const visits = useMemo(() => (data ? groupAccessVisits(data.value ?? []) : undefined), [data]);
  return { visits, error: error as Error | undefined, isLoading, reload: () => mutate() };
}

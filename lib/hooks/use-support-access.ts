"use client";
// Is the signed-in user support staff? Read from the roles of the API access token the app already
// acquires (display only: the service refuses non-support reads with 403 anyway).
import useSWR from "swr";
import { useAuthRuntime } from "@/lib/auth/auth-runtime-context";
import { isSupportToken } from "@/lib/auth/claims";
import { getAccessToken } from "@/lib/auth/token";

export function useSupportAccess(): { isSupport: boolean | undefined; error: Error | undefined } {
  const { msal, config } = useAuthRuntime();
  const account = msal.getActiveAccount() ?? msal.getAllAccounts()[0];
  const { data, error } = useSWR(
    account ? ["support-access", account.homeAccountId] : null,
    async () => isSupportToken(await getAccessToken(msal, config.scopes)),
    { revalidateOnFocus: false, revalidateOnReconnect: false, dedupingInterval: 60_000 },
  );
  return { isSupport: error ? false : data, error: error as Error | undefined };
}

"use client";
// Hands the signed-in API client to the data hooks. `null` means "not signed in (yet)": every hook
// then passes a null SWR key and fetches nothing.
import { createContext, useContext, type ReactNode } from "react";
import type { ApiClient } from "./client";

const ApiClientContext = createContext<ApiClient | null>(null);

export function ApiClientProvider({ client, children }: { client: ApiClient | null; children: ReactNode }) {
  return <ApiClientContext.Provider value={client}>{children}</ApiClientContext.Provider>;
}

export function useApiClient(): ApiClient | null {
  return useContext(ApiClientContext);
}

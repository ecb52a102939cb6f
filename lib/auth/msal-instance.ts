// One MSAL instance per page load, built from the configuration the app serves at run time.
import { EventType, PublicClientApplication, type AuthenticationResult, type EventMessage } from "@azure/msal-browser";
import type { RuntimeConfig } from "@/lib/runtime-config";
import { loadRuntimeConfig, saveRuntimeConfig } from "@/lib/offline/offline-db";
import { buildMsalConfiguration } from "./msal-config";

export interface AuthRuntime {
  config: RuntimeConfig;
  msal: PublicClientApplication;
}

let pending: Promise<AuthRuntime> | undefined;

/**
 * The configuration the app serves now; with no network, the one this browser last had (kept in
 * IndexedDB by lib/offline/offline-db.ts), so the installed app starts offline. The service worker
 * never answers /runtime-config itself: a configuration change reaches every page that can ask.
 */
export async function fetchRuntimeConfig(): Promise<RuntimeConfig> {
  let response: Response;
  try {
    response = await fetch("/runtime-config", { cache: "no-store", headers: { Accept: "application/json" } });
  } catch (error) {
    const saved = await loadRuntimeConfig().catch(() => undefined);
    if (saved) return saved;
    throw new Error("You're offline, and this browser has not opened the app online before. Connect and try again.", { cause: error });
  }
  if (!response.ok) throw new Error(`Could not load the app's configuration (HTTP ${response.status}).`);
  const config = (await response.json()) as RuntimeConfig;
  void saveRuntimeConfig(config).catch(() => undefined);
  return config;
}

async function createAuthRuntime(): Promise<AuthRuntime> {
  const config = await fetchRuntimeConfig();
  const msal = new PublicClientApplication(buildMsalConfiguration(config, window.location.origin));
  await msal.initialize();
  // Finish a sign-in that just came back through the bridge page before anything asks for tokens.
  const result = await msal.handleRedirectPromise();
  if (result?.account) msal.setActiveAccount(result.account);
  else if (!msal.getActiveAccount()) {
    const [first] = msal.getAllAccounts();
    if (first) msal.setActiveAccount(first);
  }
  msal.addEventCallback((event: EventMessage) => {
    if (event.eventType === EventType.LOGIN_SUCCESS || event.eventType === EventType.ACQUIRE_TOKEN_SUCCESS) {
      const account = (event.payload as AuthenticationResult | null)?.account;
      if (account) msal.setActiveAccount(account);
    }
  });
  return { config, msal };
}

/** The page's MSAL instance, created once; a failed attempt is not kept, so Retry can try again. */
export function getAuthRuntime(): Promise<AuthRuntime> {
  if (!pending) {
    pending = createAuthRuntime().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
  }
  return pending;
}

// Runtime config → MSAL configuration. Pure, so the mapping is unit-tested without a browser.
import type { Configuration } from "@azure/msal-browser";
import type { RuntimeConfig } from "@/lib/runtime-config";

export const REDIRECT_PATH = "/redirect";
export const SIGNED_OUT_PATH = "/signed-out";

export function buildMsalConfiguration(config: RuntimeConfig, origin: string): Configuration {
  return {
    auth: {
      clientId: config.auth.clientId,
      authority: config.auth.authority,
      knownAuthorities: config.auth.knownAuthorities,
      ...(config.auth.authorityMetadata ? { authorityMetadata: config.auth.authorityMetadata } : {}),
      // The bridge page only relays the response; the page that started sign-in handles it.
      redirectUri: origin + REDIRECT_PATH,
      postLogoutRedirectUri: origin + SIGNED_OUT_PATH,
    },
    cache: {
      // localStorage, not sessionStorage: an installed PWA opens links in new windows and tabs, and
      // each would otherwise have to sign in again. Sign-out clears it; the tokens live no longer
      // than the provider allows either way, and XSS could read sessionStorage just the same.
      cacheLocation: "localStorage",
    },
    system: {
      // MSAL 5 reads the protocol mode here (not under auth); OIDC for the local provider.
      protocolMode: config.auth.protocolMode,
    },
  };
}

import { describe, expect, it } from "vitest";
import { buildRuntimeConfig } from "@/lib/runtime-config";
import { buildMsalConfiguration } from "@/lib/auth/msal-config";

describe("buildRuntimeConfig", () => {
  it("points MSAL at the local provider by default, with an https identifier and http endpoints", () => {
    const config = buildRuntimeConfig({ IDP_PORT: "4401" });
    expect(config.identityProvider).toBe("local");
    expect(config.auth).toMatchObject({
      clientId: "inbox-web",
      authority: "https://localhost:4401",
      knownAuthorities: ["localhost:4401"],
      protocolMode: "OIDC",
    });
    const metadata = JSON.parse(config.auth.authorityMetadata!);
    expect(metadata).toMatchObject({
      issuer: "http://localhost:4401",
      authorization_endpoint: "http://localhost:4401/auth",
      token_endpoint: "http://localhost:4401/token",
      jwks_uri: "http://localhost:4401/jwks",
      end_session_endpoint: "http://localhost:4401/session/end",
    });
    expect(config.apiBaseUrl).toBe("/graph/beta");
    expect(config.scopes).toEqual(["api://notifications/Notifications.ReadWrite.CreatedByApp"]);
  });

  it("uses port 4001 when IDP_PORT is unset", () => {
    expect(buildRuntimeConfig({}).auth.authority).toBe("https://localhost:4001");
  });

  it("follows ISSUER for the local provider's host", () => {
    const config = buildRuntimeConfig({ ISSUER: "http://127.0.0.1:5000/" });
    expect(config.auth.authority).toBe("https://127.0.0.1:5000");
    expect(config.auth.knownAuthorities).toEqual(["127.0.0.1:5000"]);
    expect(JSON.parse(config.auth.authorityMetadata!).issuer).toBe("http://127.0.0.1:5000");
  });

  it("becomes an ordinary Entra ID config when AUTH_AUTHORITY is set", () => {
    const config = buildRuntimeConfig({
      AUTH_AUTHORITY: "https://login.microsoftonline.com/contoso.onmicrosoft.com/",
      AUTH_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
      API_SCOPE: "api://abc/Notifications.ReadWrite.CreatedByApp",
      API_BASE_URL: "https://api.example.com/graph/beta/",
    });
    expect(config).toEqual({
      auth: {
        clientId: "11111111-2222-3333-4444-555555555555",
        authority: "https://login.microsoftonline.com/contoso.onmicrosoft.com",
        knownAuthorities: [],
        protocolMode: "AAD",
      },
      apiBaseUrl: "https://api.example.com/graph/beta",
      scopes: ["api://abc/Notifications.ReadWrite.CreatedByApp"],
      identityProvider: "entra",
    });
  });

  it("treats blank variables as unset", () => {
    expect(buildRuntimeConfig({ AUTH_AUTHORITY: "  ", AUTH_CLIENT_ID: "" }).identityProvider).toBe("local");
  });
});

describe("buildMsalConfiguration", () => {
  it("puts the protocol mode under system and the redirect URIs on the app's origin", () => {
    const msal = buildMsalConfiguration(buildRuntimeConfig({ IDP_PORT: "4401" }), "http://localhost:3401");
    expect(msal.system?.protocolMode).toBe("OIDC");
    expect(msal.auth.redirectUri).toBe("http://localhost:3401/redirect");
    expect(msal.auth.postLogoutRedirectUri).toBe("http://localhost:3401/signed-out");
    expect(msal.auth.knownAuthorities).toEqual(["localhost:4401"]);
    expect(msal.auth.authorityMetadata).toContain("http://localhost:4401/token");
    expect(msal.cache?.cacheLocation).toBe("localStorage");
  });

  it("passes no authority metadata for Entra ID", () => {
    const msal = buildMsalConfiguration(buildRuntimeConfig({ AUTH_AUTHORITY: "https://login.microsoftonline.com/t" }), "https://inbox.example.com");
    expect(msal.auth.authorityMetadata).toBeUndefined();
    expect(msal.system?.protocolMode).toBe("AAD");
  });
});

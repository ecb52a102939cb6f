// Runtime configuration for the browser: built on the server from the environment at request time,
// served by app/runtime-config/route.ts, so one build serves the local provider and Entra ID alike
// (no NEXT_PUBLIC_* baked in at build time). Pure: no I/O, no Node imports, so it is unit-tested
// directly and its types are shared with the browser.
import { SPA_CLIENT_ID } from "@/contracts/demo-users";
import { API_USER_SCOPE } from "@/contracts/identity";

export type IdentityProviderKind = "local" | "entra";

export interface RuntimeAuthConfig {
  clientId: string;
  /** MSAL authority string. For the local provider an https identifier only (see authorityMetadata). */
  authority: string;
  knownAuthorities: string[];
  /** "OIDC" for the local provider, "AAD" for Entra ID; MSAL 5 wants it under `system.protocolMode`. */
  protocolMode: "OIDC" | "AAD";
  /** The provider's discovery document as a JSON string; MSAL uses it instead of fetching one. */
  authorityMetadata?: string;
}

export interface RuntimeConfig {
  auth: RuntimeAuthConfig;
  /** Base URL of the notifications API: absolute, or a path on the app's origin. */
  apiBaseUrl: string;
  /** Scopes requested for API calls. */
  scopes: string[];
  identityProvider: IdentityProviderKind;
}

type Env = Record<string, string | undefined>;

const DEFAULT_CLIENT_ID = SPA_CLIENT_ID;
const DEFAULT_SCOPE = API_USER_SCOPE;
const DEFAULT_API_BASE_URL = "/graph/beta";

// oidc-provider's route paths, as idp/ mounts them (its discovery document lists the same).
const LOCAL_ENDPOINTS = {
  authorization_endpoint: "/auth",
  token_endpoint: "/token",
  jwks_uri: "/jwks",
  end_session_endpoint: "/session/end",
  userinfo_endpoint: "/me",
} as const;

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The local provider's discovery document, as MSAL needs it (issuer and endpoints stay http). */
export function localAuthorityMetadata(issuer: string): Record<string, unknown> {
  const base = issuer.replace(/\/+$/, "");
  return {
    issuer: base,
    authorization_endpoint: base + LOCAL_ENDPOINTS.authorization_endpoint,
    token_endpoint: base + LOCAL_ENDPOINTS.token_endpoint,
    jwks_uri: base + LOCAL_ENDPOINTS.jwks_uri,
    end_session_endpoint: base + LOCAL_ENDPOINTS.end_session_endpoint,
    userinfo_endpoint: base + LOCAL_ENDPOINTS.userinfo_endpoint,
    response_types_supported: ["code"],
    response_modes_supported: ["query", "fragment"],
    scopes_supported: ["openid", "profile", "offline_access"],
    code_challenge_methods_supported: ["S256"],
  };
}

export function buildRuntimeConfig(env: Env = process.env): RuntimeConfig {
  const clientId = nonEmpty(env.AUTH_CLIENT_ID) ?? DEFAULT_CLIENT_ID;
  const scopes = [nonEmpty(env.API_SCOPE) ?? DEFAULT_SCOPE];
  const apiBaseUrl = (nonEmpty(env.API_BASE_URL) ?? DEFAULT_API_BASE_URL).replace(/\/+$/, "");
  const entraAuthority = nonEmpty(env.AUTH_AUTHORITY);

  if (entraAuthority) {
    return {
      auth: {
        clientId,
        authority: entraAuthority.replace(/\/+$/, ""),
        knownAuthorities: [],
        protocolMode: "AAD",
      },
      apiBaseUrl,
      scopes,
      identityProvider: "entra",
    };
  }

  const idpPort = nonEmpty(env.IDP_PORT) ?? "4001";
  const issuer = (nonEmpty(env.ISSUER) ?? `http://localhost:${idpPort}`).replace(/\/+$/, "");
  const issuerUrl = new URL(issuer);
  // MSAL refuses http: authorities but never checks the metadata's endpoints, so the authority
  // is an https identifier of the same host and the real (http) endpoints ride in the metadata.
  const authority = `https://${issuerUrl.host}${issuerUrl.pathname.replace(/\/+$/, "")}`;
  return {
    auth: {
      clientId,
      authority,
      knownAuthorities: [issuerUrl.host],
      protocolMode: "OIDC",
      authorityMetadata: JSON.stringify(localAuthorityMetadata(issuer)),
    },
    apiBaseUrl,
    scopes,
    identityProvider: "local",
  };
}

// An app-only access token by the OAuth 2.0 client-credentials grant, from any
// OpenID issuer (the local provider or Entra ID): the token endpoint comes from
// the issuer's discovery document, never from a hard-coded path.

export interface ClientCredentials {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
}

export interface AppToken {
  accessToken: string;
  expiresIn: number | undefined;
}

/** A failure talking to the issuer, with what the issuer said when it said something. */
export class TokenError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly oauthError?: string,
  ) {
    super(message);
    this.name = "TokenError";
  }
}

async function fetchOrExplain(url: string, init: RequestInit | undefined, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new TokenError(`cannot reach ${what} at ${url} (${cause})`);
  }
}

export async function discoverTokenEndpoint(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  const res = await fetchOrExplain(url, undefined, "the issuer's discovery document");
  if (!res.ok) throw new TokenError(`discovery document ${url} answered ${res.status}`, res.status);
  const doc = (await res.json().catch(() => null)) as { token_endpoint?: unknown } | null;
  if (typeof doc?.token_endpoint !== "string") throw new TokenError(`discovery document ${url} has no token_endpoint`);
  return doc.token_endpoint;
}

/**
 * The secret goes in HTTP Basic (client_secret_basic, RFC 6749 §2.3.1: id and
 * secret form-encoded first): the method every issuer must support, and the
 * one the local provider registers for notifications-sender; Entra ID takes it too.
 */
export async function getAppToken(creds: ClientCredentials): Promise<AppToken> {
  const tokenEndpoint = await discoverTokenEndpoint(creds.issuer);
  const formEncode = (text: string) => encodeURIComponent(text).replace(/%20/g, "+");
  const basic = Buffer.from(`${formEncode(creds.clientId)}:${formEncode(creds.clientSecret)}`).toString("base64");
  const body = new URLSearchParams({ grant_type: "client_credentials", scope: creds.scope });
  const res = await fetchOrExplain(
    tokenEndpoint,
    {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
    },
    "the token endpoint",
  );
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok || typeof json?.access_token !== "string") {
    const code = typeof json?.error === "string" ? json.error : undefined;
    const description = typeof json?.error_description === "string" ? json.error_description : undefined;
    throw new TokenError(
      `token request to ${tokenEndpoint} failed: ${res.status}${code ? ` ${code}` : ""}${description ? ` (${description})` : ""}`,
      res.status,
      code,
    );
  }
  return {
    accessToken: json.access_token,
    expiresIn: typeof json.expires_in === "number" ? json.expires_in : undefined,
  };
}

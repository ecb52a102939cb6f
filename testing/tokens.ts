// Real tokens from the real local provider, over HTTP, for tests and benchmarks:
// userToken runs authorization code + PKCE the way a browser would (redirects
// followed by hand, cookies kept, the account picked on the sign-in page);
// appToken uses client credentials as an app server does.
import { createHash, randomBytes } from "node:crypto";
import { SENDER_CLIENT_ID, SPA_CLIENT_ID, findDemoUser } from "../contracts/demo-users";
import { API_AUDIENCE, USER_SCOPE } from "../contracts/identity";

export const USER_SCOPES = `openid profile offline_access ${API_AUDIENCE}/${USER_SCOPE}`;
export const APP_SCOPE = `${API_AUDIENCE}/.default`;

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
}

export interface UserTokenOptions {
  clientId?: string;
  /** Default: the first redirect URI registered for the client (from the sign-in redirect). */
  redirectUri?: string;
  scope?: string;
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
}

const discoveryCache = new Map<string, Promise<Discovery>>();

export function discover(issuer: string): Promise<Discovery> {
  const key = issuer.replace(/\/$/, "");
  let found = discoveryCache.get(key);
  if (!found) {
    found = (async () => {
      const res = await fetch(`${key}/.well-known/openid-configuration`);
      if (!res.ok) throw new Error(`discovery at ${key} failed: ${res.status}`);
      return (await res.json()) as Discovery;
    })();
    // A failed lookup must not be cached: the provider may simply not be up yet.
    found.catch(() => discoveryCache.delete(key));
    discoveryCache.set(key, found);
  }
  return found;
}

/** The tiny cookie jar a browser would keep for one host: name + path, expiry by Max-Age/Expires. */
export class CookieJar {
  private cookies = new Map<string, { name: string; value: string; path: string }>();

  store(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = header.split(";").map((s) => s.trim());
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = "/";
      let expired = false;
      for (const attr of attrs) {
        const [k = "", v = ""] = attr.split("=");
        const key = k.toLowerCase();
        if (key === "path" && v) path = v;
        if (key === "max-age" && Number(v) <= 0) expired = true;
        if (key === "expires" && Date.parse(v) <= Date.now()) expired = true;
      }
      const id = `${name};${path}`;
      if (expired || value === "") this.cookies.delete(id);
      else this.cookies.set(id, { name, value, path });
    }
  }

  header(url: URL): string {
    return [...this.cookies.values()]
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }
}

/** One request without following redirects, sending and keeping the jar's cookies. */
export async function request(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set("Cookie", cookie);
  const res = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.store(res);
  return res;
}

function base64url(bytes: Buffer): string {
  return bytes.toString("base64url");
}

/** A PKCE pair (S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash("sha256").update(verifier).digest()) };
}

/** The provider's authorization URL as the PWA's MSAL asks for it (code + PKCE, query response), `params` over the defaults. */
export function authorizeUrl(issuer: string, params: Record<string, string>): URL {
  const url = new URL(`${issuer}/auth`);
  url.search = new URLSearchParams({
    client_id: SPA_CLIENT_ID,
    response_type: "code",
    response_mode: "query",
    scope: USER_SCOPES,
    code_challenge: pkce().challenge,
    code_challenge_method: "S256",
    state: "s1",
    ...params,
  }).toString();
  return url;
}

async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<TokenResponse> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as TokenResponse & { error?: string; error_description?: string };
  if (!res.ok) throw new Error(`token endpoint ${res.status}: ${body.error ?? "?"} ${body.error_description ?? ""}`.trim());
  return body;
}

/** Signs `upn` in through the provider's own sign-in page and returns the whole token response. */
export async function userTokenResponse(issuer: string, upn: string, opts: UserTokenOptions = {}): Promise<TokenResponse> {
  const user = findDemoUser(upn);
  if (!user) throw new Error(`no demo user ${upn}`);
  const meta = await discover(issuer);
  const clientId = opts.clientId ?? SPA_CLIENT_ID;
  const { verifier, challenge } = pkce();
  const state = base64url(randomBytes(16));
  const jar = new CookieJar();

  const authorize = new URL(meta.authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    response_mode: "query",
    scope: opts.scope ?? USER_SCOPES,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
    nonce: base64url(randomBytes(16)),
    ...(opts.redirectUri ? { redirect_uri: opts.redirectUri } : {}),
  }).toString();

  let url = authorize;
  let res = await request(jar, url);
  let signedIn = false;
  for (let hops = 0; hops < 20; hops++) {
    if (res.status >= 300 && res.status < 400) {
      const location = res.headers.get("location");
      if (!location) throw new Error(`redirect without Location from ${url.href}`);
      const next = new URL(location, url);
      if (next.origin !== new URL(meta.issuer).origin) {
        // Left the provider: this is the redirect back to the app.
        const error = next.searchParams.get("error");
        if (error) throw new Error(`authorization failed: ${error} ${next.searchParams.get("error_description") ?? ""}`.trim());
        if (next.searchParams.get("state") !== state) throw new Error("authorization response state mismatch");
        const code = next.searchParams.get("code");
        if (!code) throw new Error(`authorization response without code: ${next.href}`);
        return postForm(meta.token_endpoint, {
          grant_type: "authorization_code",
          client_id: clientId,
          code,
          code_verifier: verifier,
          redirect_uri: opts.redirectUri ?? `${next.origin}${next.pathname}`,
        });
      }
      url = next;
      res = await request(jar, url);
      continue;
    }
    const html = await res.text();
    if (res.status !== 200 || signedIn) throw new Error(`unexpected ${res.status} at ${url.href}: ${html.slice(0, 300)}`);
    // The sign-in page: find this account's form, as a person clicking its button would.
    const formRe = /<form method="post" action="([^"]+\/login)">\s*<input type="hidden" name="account" value="([^"]+)">/g;
    const forms = [...html.matchAll(formRe)];
    const form = forms.find((m) => m[2] === user.oid);
    if (!form?.[1]) throw new Error(`sign-in page at ${url.href} offers no button for ${upn}`);
    url = new URL(form[1].replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))), url);
    res = await request(jar, url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ account: user.oid }).toString(),
    });
    signedIn = true;
  }
  throw new Error("too many redirects during sign-in");
}

/** A delegated access token for `upn` (audience api://notifications, scp Notifications.ReadWrite.CreatedByApp). */
export async function userToken(issuer: string, upn: string, opts: UserTokenOptions = {}): Promise<string> {
  return (await userTokenResponse(issuer, upn, opts)).access_token;
}

/** The refresh-token grant as MSAL runs it (public client, scope in URI form). */
export async function refreshTokenResponse(
  issuer: string,
  refreshToken: string,
  opts: { clientId?: string; scope?: string } = {},
): Promise<TokenResponse> {
  const meta = await discover(issuer);
  return postForm(meta.token_endpoint, {
    grant_type: "refresh_token",
    client_id: opts.clientId ?? SPA_CLIENT_ID,
    refresh_token: refreshToken,
    scope: opts.scope ?? USER_SCOPES,
  });
}

export interface AppTokenOptions {
  /** Default api://notifications/.default; "" sends no scope at all. */
  scope?: string;
  clientId?: string;
  /** Where the secret goes: HTTP Basic (default) or the form body (client_secret_post). */
  auth?: "basic" | "post";
}

/** Client credentials for notifications-sender: the whole token response. */
export async function appTokenResponse(issuer: string, clientSecret: string, opts: AppTokenOptions = {}): Promise<TokenResponse> {
  const meta = await discover(issuer);
  const clientId = opts.clientId ?? SENDER_CLIENT_ID;
  const scope = opts.scope ?? APP_SCOPE;
  const form: Record<string, string> = { grant_type: "client_credentials", ...(scope ? { scope } : {}) };
  if (opts.auth === "post") {
    return postForm(meta.token_endpoint, { ...form, client_id: clientId, client_secret: clientSecret });
  }
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64");
  return postForm(meta.token_endpoint, form, { Authorization: `Basic ${basic}` });
}

/** An app-only access token (roles Notifications.Send.All, tenant A, no scp). */
export async function appToken(issuer: string, clientSecret: string, opts: AppTokenOptions = {}): Promise<string> {
  return (await appTokenResponse(issuer, clientSecret, opts)).access_token;
}

// The local identity provider over HTTP: discovery, the sign-in page, the
// tokens it issues (verified against its JWKS the way the service does),
// silent sign-in, sign-out, persistence across a restart, and CORS.
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS, SPA_CLIENT_ID, TENANT_A, TENANT_B, findDemoUser } from "@/contracts/demo-users";
import { API_AUDIENCE, SEND_ROLE, SUPPORT_ROLE, USER_SCOPE } from "@/contracts/identity";
import { SENDER_SERVICE_PRINCIPAL_ID, startIdp, type RunningIdp } from "@/idp";
import { localAuthorityMetadata } from "@/lib/runtime-config";
import {
  CookieJar,
  authorizeUrl as authorizeUrlOf,
  pkce,
  appToken,
  appTokenResponse,
  refreshTokenResponse,
  request,
  userToken,
  userTokenResponse,
} from "@/testing/tokens";

const APP_ORIGIN = "http://localhost:3999";
const REDIRECT_URI = `${APP_ORIGIN}/redirect`;
const API_SCOPE_URI = `${API_AUDIENCE}/${USER_SCOPE}`;

let dataDir: string;
let idp: RunningIdp;

async function start(port = 0): Promise<RunningIdp> {
  return startIdp({ port, dataDir, appOrigins: [APP_ORIGIN] });
}

async function verify(token: string, audience = API_AUDIENCE): Promise<JWTPayload> {
  // Fetch the JWKS each time: after a restart the keys must be the ones from disk.
  const jwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as JSONWebKeySet;
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
    issuer: idp.issuer,
    audience,
    algorithms: ["RS256"],
  });
  return payload;
}

function authorizeUrl(params: Record<string, string>): URL {
  return authorizeUrlOf(idp.issuer, { redirect_uri: REDIRECT_URI, ...params });
}

function get(jar: CookieJar, url: URL | string, init: RequestInit = {}): Promise<Response> {
  return request(jar, new URL(url), init);
}

/** Follows redirects inside the provider; returns the first response that is a page or leaves it. */
async function follow(jar: CookieJar, start: URL | string, init: RequestInit = {}): Promise<{ res: Response; url: URL }> {
  let url = new URL(start);
  let res = await get(jar, url, init);
  for (let i = 0; i < 10 && res.status >= 300 && res.status < 400; i++) {
    const next = new URL(res.headers.get("location")!, url);
    if (next.origin !== new URL(idp.issuer).origin) return { res, url: next };
    url = next;
    res = await get(jar, url);
  }
  return { res, url };
}

/** Signs a user in through the page with a jar the test keeps (a browser session). */
async function signInWithSession(upn: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const { res, url } = await follow(jar, authorizeUrl({}));
  expect(res.status).toBe(200);
  const user = findDemoUser(upn)!;
  const action = new URL(url.pathname + "/login", url);
  const done = await follow(jar, action, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ account: user.oid }).toString(),
  });
  expect(done.url.href.startsWith(REDIRECT_URI)).toBe(true);
  expect(done.url.searchParams.get("code")).toBeTruthy();
  return jar;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "idp-test-"));
  idp = await start();
});

afterAll(async () => {
  await idp?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("discovery", () => {
  it("publishes the endpoints MSAL and the service need", async () => {
    const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(idp.issuer);
    expect(idp.issuer).toMatch(/^http:\/\/localhost:\d+$/);
    for (const key of ["authorization_endpoint", "token_endpoint", "jwks_uri", "end_session_endpoint"]) {
      expect(String(doc[key])).toMatch(new RegExp(`^${idp.issuer}/`));
    }
    expect(doc.code_challenge_methods_supported).toEqual(["S256"]);
    expect(doc.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token", "client_credentials"]));
    const jwks = (await (await fetch(String(doc.jwks_uri))).json()) as JSONWebKeySet;
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys.every((k) => k.kty === "RSA" && !("d" in k))).toBe(true);
  });

  it("matches the metadata the PWA hands MSAL instead of fetching it", async () => {
    const doc = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const pwa = localAuthorityMetadata(idp.issuer);
    for (const key of ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri", "end_session_endpoint", "userinfo_endpoint"]) {
      expect(pwa[key], key).toBe(doc[key]);
    }
    expect(doc.code_challenge_methods_supported).toEqual(pwa.code_challenge_methods_supported);
  });
});

describe("sign-in page", () => {
  it("lists every demo account with name, UPN and tenant, and loads nothing from elsewhere", async () => {
    const jar = new CookieJar();
    const { res, url } = await follow(jar, authorizeUrl({}));
    expect(res.status).toBe(200);
    expect(url.pathname).toMatch(/^\/interaction\/[\w-]+$/);
    const html = await res.text();
    for (const user of DEMO_USERS) {
      expect(html).toContain(`aria-label="Continue as ${user.name}"`);
      expect(html).toContain(user.upn);
      expect(html).toContain(`value="${user.oid}"`);
    }
    expect(html).toContain("Contoso");
    expect(html).toContain("Fabrikam");
    expect(html).not.toMatch(/(src|href|action)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/type="password"/i);
  });

  it("rejects an account that is not in the demo directory", async () => {
    const jar = new CookieJar();
    const { url } = await follow(jar, authorizeUrl({}));
    const res = await get(jar, new URL(url.pathname + "/login", url), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "account=someone-else",
    });
    expect(res.status).toBe(400);
  });

  it("sends the user back with access_denied when they cancel", async () => {
    const jar = new CookieJar();
    const { url } = await follow(jar, authorizeUrl({}));
    const done = await follow(jar, new URL(url.pathname + "/abort", url), { method: "POST" });
    expect(done.url.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(done.url.searchParams.get("error")).toBe("access_denied");
  });
});

describe("user tokens (authorization code + PKCE)", () => {
  it("issues an Entra-shaped access token for the API", async () => {
    const adele = findDemoUser("adele@contoso.test")!;
    const response = await userTokenResponse(idp.issuer, adele.upn);
    expect(response.scope?.split(" ")).toContain(API_SCOPE_URI);
    expect(response.expires_in).toBe(3600);
    expect(decodeProtectedHeader(response.access_token).alg).toBe("RS256");
    const claims = await verify(response.access_token);
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: API_AUDIENCE,
      tid: TENANT_A,
      oid: adele.oid,
      sub: adele.oid,
      name: "Adele Vance",
      preferred_username: adele.upn,
      scp: USER_SCOPE,
      azp: SPA_CLIENT_ID,
    });
    expect(claims.roles).toBeUndefined();
    expect(claims.scope).toBeUndefined();
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.nbf).toBe(claims.iat);
  });

  it("puts tid, oid, name and preferred_username in the ID token", async () => {
    const bruno = findDemoUser("bruno@fabrikam.test")!;
    const response = await userTokenResponse(idp.issuer, bruno.upn);
    const claims = await verify(response.id_token!, SPA_CLIENT_ID);
    expect(claims).toMatchObject({ tid: TENANT_B, oid: bruno.oid, name: bruno.name, preferred_username: bruno.upn });
  });

  it("gives the support user the support role", async () => {
    const claims = await verify(await userToken(idp.issuer, "support@contoso.test"));
    expect(claims.roles).toEqual([SUPPORT_ROLE]);
    expect(claims.scp).toBe(USER_SCOPE);
  });

  it("issues a refresh token, and the refresh grant mints a new API token", async () => {
    const first = await userTokenResponse(idp.issuer, "megan@contoso.test");
    expect(first.refresh_token).toBeTruthy();
    const renewed = await refreshTokenResponse(idp.issuer, first.refresh_token!);
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(renewed.scope?.split(" ")).toContain(API_SCOPE_URI);
    const claims = await verify(renewed.access_token);
    expect(claims).toMatchObject({ oid: findDemoUser("megan@contoso.test")!.oid, scp: USER_SCOPE, aud: API_AUDIENCE });
  });

  it("mints no API token on a refresh that asks only for openid offline_access, so a support user's role never rides without scp", async () => {
    const first = await userTokenResponse(idp.issuer, "support@contoso.test");
    const renewed = await refreshTokenResponse(idp.issuer, first.refresh_token!, { scope: "openid offline_access" });
    expect(renewed.scope?.split(" ") ?? []).not.toContain(API_SCOPE_URI);
    await expect(verify(renewed.access_token)).rejects.toThrow();
    // Asking for the API again still works with the same refresh token's grant.
    const again = await refreshTokenResponse(idp.issuer, renewed.refresh_token ?? first.refresh_token!);
    expect(await verify(again.access_token)).toMatchObject({ scp: USER_SCOPE, roles: [SUPPORT_ROLE] });
  });

  it("marks app-only tokens as such (idtyp = app), and user tokens not", async () => {
    expect((await verify(await appToken(idp.issuer, idp.senderSecret))).idtyp).toBe("app");
    expect((await verify(await userToken(idp.issuer, "support@contoso.test"))).idtyp).toBeUndefined();
  });

  it("answers invalid_scope for a scope the API does not expose", async () => {
    await expect(
      userToken(idp.issuer, "adele@contoso.test", { scope: `openid profile offline_access ${API_AUDIENCE}/Notifications.Everything` }),
    ).rejects.toThrow(/invalid_scope/);
  });

  it("issues no refresh token when offline_access was not asked for", async () => {
    const response = await userTokenResponse(idp.issuer, "adele@contoso.test", { scope: `openid profile ${API_SCOPE_URI}` });
    expect(response.refresh_token).toBeUndefined();
    expect((await verify(response.access_token)).scp).toBe(USER_SCOPE);
  });

  it("signs several users in at once without mixing them up", async () => {
    const upns = DEMO_USERS.flatMap((u) => [u.upn, u.upn]);
    const tokens = await Promise.all(upns.map((upn) => userToken(idp.issuer, upn)));
    const claims = await Promise.all(tokens.map((t) => verify(t)));
    expect(claims.map((c) => c.preferred_username)).toEqual(upns);
    expect(claims.map((c) => c.oid)).toEqual(upns.map((upn) => findDemoUser(upn)!.oid));
  });

  it("accepts an authorization code once, and only with its PKCE verifier", async () => {
    const { verifier, challenge } = pkce();
    const jar = new CookieJar();
    const { url } = await follow(jar, authorizeUrl({ code_challenge: challenge }));
    const done = await follow(jar, new URL(url.pathname + "/login", url), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ account: findDemoUser("adele@contoso.test")!.oid }).toString(),
    });
    const code = done.url.searchParams.get("code")!;
    const exchange = (codeVerifier: string) =>
      fetch(`${idp.issuer}/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          client_id: SPA_CLIENT_ID,
          code,
          redirect_uri: REDIRECT_URI,
          code_verifier: codeVerifier,
        }).toString(),
      });
    expect((await exchange(pkce().verifier)).status).toBe(400);
    expect((await exchange(verifier)).status).toBe(200);
    const replay = await exchange(verifier);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("refuses a redirect URI that is not registered", async () => {
    await expect(userToken(idp.issuer, "adele@contoso.test", { redirectUri: "http://localhost:1/redirect" })).rejects.toThrow();
  });
});

describe("silent sign-in and sign-out", () => {
  it("prompt=none succeeds without UI when a session exists", async () => {
    const jar = await signInWithSession("adele@contoso.test");
    const { url } = await follow(jar, authorizeUrl({ prompt: "none", scope: `openid profile ${API_SCOPE_URI}` }));
    expect(url.href.startsWith(REDIRECT_URI)).toBe(true);
    expect(url.searchParams.get("error")).toBeNull();
    expect(url.searchParams.get("code")).toBeTruthy();
  });

  it("does not send a sign-out to a URI that is not registered", async () => {
    const jar = await signInWithSession("adele@contoso.test");
    const page = await get(jar, `${idp.issuer}/session/end?post_logout_redirect_uri=${encodeURIComponent("http://evil.example/")}&client_id=${SPA_CLIENT_ID}`);
    expect(page.status).toBe(400);
  });

  it("prompt=none without a session answers login_required", async () => {
    const { url } = await follow(new CookieJar(), authorizeUrl({ prompt: "none" }));
    expect(url.searchParams.get("error")).toBe("login_required");
  });

  it("end_session signs out and returns to the post-logout URI without asking", async () => {
    const jar = await signInWithSession("adele@contoso.test");
    const endSession = new URL(`${idp.issuer}/session/end`);
    // What MSAL's logoutRedirect sends: no client_id, no id_token_hint.
    endSession.search = new URLSearchParams({
      post_logout_redirect_uri: `${APP_ORIGIN}/signed-out`,
      state: "msal-state",
    }).toString();
    const page = await get(jar, endSession);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    // The page submits its form by itself; do what its script does.
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    expect(action && xsrf).toBeTruthy();
    expect(html).toContain('yes.name = "logout"');
    const done = await get(jar, new URL(action!, endSession), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ xsrf: xsrf!, logout: "yes" }).toString(),
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`${APP_ORIGIN}/signed-out?state=msal-state`);
    const silent = await follow(jar, authorizeUrl({ prompt: "none" }));
    expect(silent.url.searchParams.get("error")).toBe("login_required");
  });
});

describe("app tokens (client credentials)", () => {
  it("carries the send role, tenant A and the service principal, and no scp", async () => {
    const response = await appTokenResponse(idp.issuer, idp.senderSecret);
    const claims = await verify(response.access_token);
    expect(claims).toMatchObject({
      aud: API_AUDIENCE,
      tid: TENANT_A,
      oid: SENDER_SERVICE_PRINCIPAL_ID,
      sub: SENDER_SERVICE_PRINCIPAL_ID,
      azp: "notifications-sender",
      appid: "notifications-sender",
      roles: [SEND_ROLE],
    });
    expect(claims.scp).toBeUndefined();
    expect(claims.exp! - claims.iat!).toBe(3600);
  });

  it("accepts the secret in the body and a request without scope", async () => {
    expect((await verify(await appToken(idp.issuer, idp.senderSecret, { auth: "post" }))).roles).toEqual([SEND_ROLE]);
    expect((await verify(await appToken(idp.issuer, idp.senderSecret, { scope: "" }))).roles).toEqual([SEND_ROLE]);
  });

  it("refuses a delegated scope in client credentials, as Entra does", async () => {
    await expect(appToken(idp.issuer, idp.senderSecret, { scope: API_SCOPE_URI })).rejects.toThrow(/400: invalid_scope/);
  });

  it("rejects a wrong secret", async () => {
    await expect(appToken(idp.issuer, "not-the-secret")).rejects.toThrow(/401: invalid_client/);
    await expect(appToken(idp.issuer, "not-the-secret", { auth: "post" })).rejects.toThrow(/401: invalid_client/);
  });

  it("keeps a generated sender secret in the data folder, owner-only", async () => {
    const file = path.join(dataDir, "idp", "sender-secret");
    expect((await readFile(file, "utf8")).trim()).toBe(idp.senderSecret);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dataDir, "idp", "jwks.json"))).mode & 0o777).toBe(0o600);
  });
});

describe("CORS", () => {
  it("answers the app's origin and refuses a foreign one at the token endpoint", async () => {
    const token = (origin: string) =>
      fetch(`${idp.issuer}/token`, {
        method: "POST",
        headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", client_id: SPA_CLIENT_ID, refresh_token: "x" }).toString(),
      });
    const own = await token(APP_ORIGIN);
    expect(own.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    const foreign = await token("http://evil.example");
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    expect(foreign.status).toBe(400);

    const preflight = await fetch(`${idp.issuer}/token`, {
      method: "OPTIONS",
      headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const ownPreflight = await fetch(`${idp.issuer}/token`, {
      method: "OPTIONS",
      headers: { Origin: APP_ORIGIN, "Access-Control-Request-Method": "POST" },
    });
    expect(ownPreflight.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
  });
});

describe("restart with the same data folder", () => {
  it("keeps signing keys, the sender secret, sessions and refresh tokens", async () => {
    const before = await userTokenResponse(idp.issuer, "adele@contoso.test");
    const jar = await signInWithSession("megan@contoso.test");
    const secret = idp.senderSecret;
    const port = Number(new URL(idp.issuer).port);

    await idp.close();
    idp = await start(port);

    expect(idp.senderSecret).toBe(secret);
    expect(idp.senderSecretSource).toBe("file");
    expect((await verify(before.access_token)).oid).toBe(findDemoUser("adele@contoso.test")!.oid);
    const renewed = await refreshTokenResponse(idp.issuer, before.refresh_token!);
    expect((await verify(renewed.access_token)).scp).toBe(USER_SCOPE);
    const silent = await follow(jar, authorizeUrl({ prompt: "none" }));
    expect(silent.url.searchParams.get("code")).toBeTruthy();
  });

  it("starts with an empty session store when the store file is corrupt", async () => {
    const port = Number(new URL(idp.issuer).port);
    await idp.close();
    await writeFile(path.join(dataDir, "idp", "store.json"), "{not json");
    idp = await start(port);
    expect((await verify(await userToken(idp.issuer, "bruno@fabrikam.test"))).tid).toBe(TENANT_B);
  });

  it("takes the sender secret from the option when given", async () => {
    const other = await startIdp({ port: 0, dataDir, appOrigins: [APP_ORIGIN], senderSecret: "from-env-secret" });
    try {
      expect(other.senderSecretSource).toBe("option");
      const token = await appToken(other.issuer, "from-env-secret");
      expect(token.split(".")).toHaveLength(3);
    } finally {
      await other.close();
    }
  });
});

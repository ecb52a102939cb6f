// The local OpenID provider (development default): demo users, the SPA and the
// app-server client, Entra-shaped JWT access tokens for api://notifications.
// Keys, cookies, sessions, grants and refresh tokens persist in $DATA_DIR/idp/.
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { DEMO_USERS, SENDER_CLIENT_ID, SPA_CLIENT_ID, TENANT_A, findDemoUser } from "../contracts/demo-users";
import { API_AUDIENCE, SEND_ROLE, USER_SCOPE } from "../contracts/identity";
import { FileStore } from "./file-adapter";
import { handleInteraction } from "./interactions";
import { errorPage, logoutPage, signedOutPage } from "./pages";
import { idpDir, loadSecrets } from "./secrets";
import { tokenRateLimit, tokenRateLimitFromEnv, type TokenRateLimit } from "./rate-limit";
import { securityHeaders } from "./security-headers";

/** Object id of the notifications-sender service principal in tenant A (fixed, like the demo users). */
export const SENDER_SERVICE_PRINCIPAL_ID = "c3a9e5f1-7d2b-4c6e-8a10-3b4c5d6e7f01";
/** The delegated scope as MSAL requests it (Entra's URI form). */
export const API_SCOPE_URI = `${API_AUDIENCE}/${USER_SCOPE}`;
const DEFAULT_SCOPE_URI = `${API_AUDIENCE}/.default`;
const ACCESS_TOKEN_TTL = 60 * 60;
const DAY = 24 * 60 * 60;

export interface StartIdpOptions {
  port: number;
  /** Interface to listen on; default: loopback only (127.0.0.1 and ::1). */
  host?: string;
  dataDir: string;
  /** Origins of the app, e.g. http://localhost:3000: redirect, logout and CORS allow-list. */
  appOrigins: string[];
  /** The notifications-sender secret; default: $DATA_DIR/idp/sender-secret (generated once). */
  senderSecret?: string;
  log?: (msg: string) => void;
  /** Where NODE_ENV, LOCAL_IDP and RATE_LIMIT are read (default: process.env). */
  env?: Record<string, string | undefined>;
  /** The token endpoint's limits per client address (idp/rate-limit.ts); false: none. Default: off with RATE_LIMIT=off, else 20/s, bursts of 100, 10 failed client authentications a minute. */
  rateLimit?: TokenRateLimit | false;
}

/**
 * The local provider signs anyone in with one click: a development tool. With
 * NODE_ENV=production it refuses to start unless LOCAL_IDP=1 says so.
 */
export function assertLocalIdpAllowed(env: Record<string, string | undefined> = process.env): void {
  if (env.NODE_ENV === "production" && env.LOCAL_IDP !== "1") {
    throw new Error(
      "NODE_ENV=production: the local identity provider (one-click demo sign-in) does not start in production. " +
        "Set AUTH_AUTHORITY and ISSUER for Entra ID (see README), or LOCAL_IDP=1 to run it anyway.",
    );
  }
}

export interface RunningIdp {
  issuer: string;
  senderSecret: string;
  /** "option" (passed in / IDP_SENDER_SECRET), "file" (reused) or "generated" (new file). */
  senderSecretSource: "option" | "file" | "generated";
  close(): Promise<void>;
}

function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  return url.origin;
}

/** Binds the listening sockets first so port 0 resolves to the real port the issuer must name. */
async function listen(port: number, host: string | undefined): Promise<{ servers: http.Server[]; port: number }> {
  const bind = (p: number, h: string) =>
    new Promise<http.Server>((resolve, reject) => {
      const server = http.createServer();
      server.once("error", reject);
      server.listen({ port: p, host: h, ipv6Only: h === "::1" }, () => {
        server.off("error", reject);
        resolve(server);
      });
    });
  if (host) {
    const server = await bind(port, host);
    return { servers: [server], port: (server.address() as AddressInfo).port };
  }
  // "localhost" may resolve to either family (browsers try both): serve both, loopback only.
  const v4 = await bind(port, "127.0.0.1");
  const realPort = (v4.address() as AddressInfo).port;
  const servers = [v4];
  try {
    servers.push(await bind(realPort, "::1"));
  } catch {
    // No IPv6 loopback on this machine (or the port is taken there): IPv4 alone still works.
  }
  return { servers, port: realPort };
}

/** Where the SPA may land after sign-out: the app's home and its signed-out page. */
function postLogoutUrisOf(origin: string): string[] {
  return [`${origin}/`, `${origin}/signed-out`];
}

function scopesOf(value: unknown): string[] {
  return typeof value === "string" ? value.split(" ").filter(Boolean) : [];
}

function buildConfiguration(opts: {
  appOrigins: string[];
  senderSecret: string;
  cookieKeys: string[];
  jwks: { keys: unknown[] };
  store: FileStore;
}): Configuration {
  const { appOrigins } = opts;
  return {
    adapter: (name: string) => opts.store.adapterFor(name),
    clients: [
      {
        client_id: SPA_CLIENT_ID,
        client_name: "Notifications inbox",
        application_type: "web",
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        redirect_uris: appOrigins.map((o) => `${o}/redirect`),
        post_logout_redirect_uris: appOrigins.flatMap(postLogoutUrisOf),
      },
      {
        client_id: SENDER_CLIENT_ID,
        client_name: "Notifications sender (app server)",
        client_secret: opts.senderSecret,
        token_endpoint_auth_method: "client_secret_basic",
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: opts.jwks as Configuration["jwks"],
    cookies: { keys: opts.cookieKeys },
    scopes: ["openid", "profile", "offline_access"],
    claims: {
      openid: ["sub", "tid", "oid"],
      profile: ["name", "preferred_username"],
    },
    // Lets tid/oid/name/preferred_username reach the ID token (MSAL reads tenantId from tid).
    conformIdTokenClaims: false,
    responseTypes: ["code"],
    pkce: { required: () => true },
    async findAccount(_ctx, sub) {
      const user = findDemoUser(sub);
      if (!user) return undefined;
      return {
        accountId: user.oid,
        async claims() {
          return { sub: user.oid, tid: user.tenantId, oid: user.oid, name: user.name, preferred_username: user.upn };
        },
      };
    },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = "html";
          ctx.body = logoutPage(form);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = "html";
          ctx.body = signedOutPage(ctx.oidc.client?.clientName);
        },
      },
      resourceIndicators: {
        enabled: true,
        // MSAL sends Entra-style scopes (api://notifications/<scope>) and no
        // `resource`: such a scope selects the API as the resource.
        async defaultResource(ctx, client, oneOf) {
          const apiScopes = scopesOf(ctx.oidc.params?.scope).filter((s) => s.startsWith(`${API_AUDIENCE}/`));
          // Like Entra: a scope the API does not expose (or a delegated scope
          // in client credentials) is invalid_scope, not a token without scp.
          const exposed = client?.clientId === SENDER_CLIENT_ID ? [DEFAULT_SCOPE_URI] : [API_SCOPE_URI, DEFAULT_SCOPE_URI];
          const unknown = apiScopes.find((s) => !exposed.includes(s));
          if (unknown) throw new errors.InvalidScope("requested scope is not exposed by the API", unknown);
          if (oneOf) return oneOf;
          if (client?.clientId === SENDER_CLIENT_ID) return API_AUDIENCE;
          return apiScopes.length ? API_AUDIENCE : (undefined as unknown as string);
        },
        // A code granted for the API mints an API token even though openid was requested too; so does a
        // refresh that asks for an API scope. A refresh asking only for `openid offline_access` gets no
        // API token at all: an API token without its scope would carry a support user's role and no
        // scp (the service refuses such a token, 401).
        useGrantedResource: async (ctx) =>
          ctx.oidc.params?.grant_type !== "refresh_token" ||
          scopesOf(ctx.oidc.params?.scope).some((s) => s.startsWith(`${API_AUDIENCE}/`)),
        async getResourceServerInfo(_ctx, resource, client) {
          if (resource !== API_AUDIENCE) throw new errors.InvalidTarget();
          return {
            audience: API_AUDIENCE,
            accessTokenFormat: "jwt",
            accessTokenTTL: ACCESS_TOKEN_TTL,
            jwt: { sign: { alg: "RS256" } },
            scope: client.clientId === SENDER_CLIENT_ID ? DEFAULT_SCOPE_URI : `${API_SCOPE_URI} ${DEFAULT_SCOPE_URI}`,
          };
        },
      },
    },
    formats: {
      customizers: {
        // Entra's shape: scp (short names, space-separated) for users, roles
        // for support staff and apps, tid/oid/azp/appid; no OAuth `scope` claim.
        jwt(_ctx, token, { payload }) {
          const scopes = scopesOf(payload.scope);
          delete payload.scope;
          const clientId = token.clientId;
          payload.ver = "2.0";
          payload.nbf = payload.iat;
          payload.azp = clientId;
          payload.appid = clientId;
          if (token.kind === "ClientCredentials") {
            payload.tid = TENANT_A;
            payload.oid = SENDER_SERVICE_PRINCIPAL_ID;
            payload.sub = SENDER_SERVICE_PRINCIPAL_ID;
            payload.roles = [SEND_ROLE];
            payload.idtyp = "app";
            return;
          }
          const user = findDemoUser(String((token as { accountId?: string }).accountId ?? ""));
          if (!user) throw new Error("access token for an unknown account");
          payload.tid = user.tenantId;
          payload.oid = user.oid;
          payload.sub = user.oid;
          payload.name = user.name;
          payload.preferred_username = user.upn;
          const delegated = scopes.includes(DEFAULT_SCOPE_URI) ? [USER_SCOPE] : scopes.map((s) => s.slice(API_AUDIENCE.length + 1));
          if (delegated.length) payload.scp = [...new Set(delegated)].join(" ");
          if (user.roles.length) payload.roles = [...user.roles];
        },
      },
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      ClientCredentials: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: ACCESS_TOKEN_TTL,
      Interaction: 60 * 60,
      // Sessions, grants and refresh tokens outlive a working week, like a browser sign-in should.
      Session: 14 * DAY,
      Grant: 14 * DAY,
      RefreshToken: 14 * DAY,
    },
    clientBasedCORS(_ctx, origin) {
      return appOrigins.includes(origin);
    },
    async renderError(ctx, out) {
      ctx.type = "html";
      ctx.body = errorPage(out);
    },
  };
}

/** Paths whose CORS depends on the calling app (the rest — discovery, JWKS — is public). */
const CLIENT_CORS_PATHS = new Set(["/token", "/token/revocation", "/me"]);

/**
 * Adjusts the authorization request before oidc-provider sees it:
 * it only keeps offline_access with prompt=consent, so interactive requests
 * get consent added (our interaction grants it without a page); Entra's
 * select_account maps to login (the account picker).
 */
function adjustAuthorizationPrompt(ctx: KoaContextWithOIDC): void {
  const query = new URLSearchParams(ctx.querystring);
  const prompts = new Set(scopesOf(query.get("prompt")));
  if (prompts.has("none")) return;
  if (prompts.delete("select_account")) prompts.add("login");
  if (scopesOf(query.get("scope")).includes("offline_access")) prompts.add("consent");
  if (prompts.size === 0) return;
  query.set("prompt", [...prompts].join(" "));
  ctx.querystring = query.toString();
}

const TOKEN_BODY_LIMIT = 56 * 1024;

/**
 * oidc-provider accepts exactly one client authentication method per client;
 * Entra accepts the secret in the body as well as in Basic. Before the
 * provider sees a /token request, move a body secret of notifications-sender
 * into the Authorization header, and hand on a fresh request carrying the rest.
 */
async function acceptSenderSecretInBody(req: http.IncomingMessage): Promise<http.IncomingMessage> {
  const contentType = req.headers["content-type"] ?? "";
  if (req.method !== "POST" || req.headers.authorization || !contentType.startsWith("application/x-www-form-urlencoded")) return req;
  if (new URL(req.url ?? "/", "http://localhost").pathname !== "/token") return req;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false })) {
    size += (chunk as Buffer).length;
    if (size > TOKEN_BODY_LIMIT) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  let body = Buffer.concat(chunks);
  const headers = { ...req.headers };
  const params = new URLSearchParams(body.toString("utf8"));
  const clientId = params.get("client_id");
  const secret = params.get("client_secret");
  if (clientId === SENDER_CLIENT_ID && secret !== null) {
    params.delete("client_id");
    params.delete("client_secret");
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;
    body = Buffer.from(params.toString(), "utf8");
  }
  headers["content-length"] = String(body.length);
  delete headers["transfer-encoding"];
  const replay = new http.IncomingMessage(req.socket);
  Object.assign(replay, {
    method: req.method,
    url: req.url,
    headers,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    // Marks the message as fully received, so finishing it never destroys the shared socket.
    complete: true,
  });
  replay.push(body);
  replay.push(null);
  return replay;
}

/**
 * MSAL's logoutRedirect sends post_logout_redirect_uri without client_id or
 * id_token_hint (Entra needs neither); oidc-provider then ignores the URI.
 * Name the client that registered that exact URI, so it can be honoured.
 */
function inferLogoutClient(ctx: KoaContextWithOIDC, postLogoutUris: Map<string, string>): void {
  const query = new URLSearchParams(ctx.querystring);
  const uri = query.get("post_logout_redirect_uri");
  if (!uri || query.has("client_id") || query.has("id_token_hint")) return;
  const clientId = postLogoutUris.get(uri);
  if (!clientId) return;
  query.set("client_id", clientId);
  ctx.querystring = query.toString();
}

export async function startIdp(opts: StartIdpOptions): Promise<RunningIdp> {
  assertLocalIdpAllowed(opts.env);
  const log = opts.log ?? (() => {});
  const appOrigins = [...new Set(opts.appOrigins.map(normalizeOrigin))];
  if (appOrigins.length === 0) throw new Error("startIdp: appOrigins must name at least one origin");

  const secrets = await loadSecrets(opts.dataDir, opts.senderSecret);
  const store = new FileStore(idpDir(opts.dataDir));
  const { servers, port } = await listen(opts.port, opts.host);
  const issuer = `http://localhost:${port}`;

  let provider: Provider;
  try {
    provider = new Provider(
      issuer,
      buildConfiguration({
        appOrigins,
        senderSecret: secrets.senderSecret,
        cookieKeys: secrets.cookieKeys,
        jwks: secrets.jwks,
        store,
      }),
    );
  } catch (err) {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    throw err;
  }

  provider.on("server_error", (_ctx, err) => log(`server error: ${err.stack ?? err.message}`));
  provider.on("authorization.error", (_ctx, err) => log(`authorization error: ${err.message}`));
  provider.on("grant.error", (_ctx, err) => log(`token error: ${err.message}`));

  const postLogoutUris = new Map(appOrigins.flatMap(postLogoutUrisOf).map((uri) => [uri, SPA_CLIENT_ID]));
  // First, so every answer has them (appOrigins are the SPA's redirect URIs' origins).
  provider.use(securityHeaders(appOrigins));
  const tokenLimits = opts.rateLimit ?? tokenRateLimitFromEnv(opts.env ?? process.env);
  if (tokenLimits) provider.use(tokenRateLimit(tokenLimits, appOrigins));
  provider.use(async (ctx, next) => {
    const oidcCtx = ctx as KoaContextWithOIDC;
    if (await handleInteraction(provider, oidcCtx, { log })) return;
    const origin = ctx.get("Origin");
    if (ctx.method === "OPTIONS" && origin && !appOrigins.includes(origin) && CLIENT_CORS_PATHS.has(ctx.path)) {
      // A preflight from a foreign origin gets no CORS headers, so the browser stops there.
      ctx.vary("Origin");
      ctx.status = 204;
      return;
    }
    if (ctx.path === "/auth" && ctx.method === "GET") adjustAuthorizationPrompt(oidcCtx);
    if (ctx.path === "/session/end" && ctx.method === "GET") inferLogoutClient(oidcCtx, postLogoutUris);
    await next();
  });

  const callback = provider.callback();
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    acceptSenderSecretInBody(req).then(
      (ready) => callback(ready, res),
      () => {
        // Too large or aborted mid-body: an OAuth error, never a crash.
        res.writeHead(400, { "Content-Type": "application/json", "Cache-Control": "no-store", Connection: "close" });
        res.end(JSON.stringify({ error: "invalid_request", error_description: "failed to read the request body" }));
      },
    );
  };
  for (const server of servers) server.on("request", onRequest);

  log(`issuer ${issuer}; clients ${SPA_CLIENT_ID} (${appOrigins.join(", ")}), ${SENDER_CLIENT_ID}; ${DEMO_USERS.length} demo users`);

  let closed = false;
  return {
    issuer,
    senderSecret: secrets.senderSecret,
    senderSecretSource: secrets.senderSecretSource,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      store.flush();
    },
  };
}

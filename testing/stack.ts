// The whole back end on loopback for black-box tests: the real local identity
// provider and the real notifications service, each on a random port, each in
// its own throwaway data folder, and the service on PGlite there or, when
// TEST_DATABASE_URL is set, on a fresh PostgreSQL database of its own
// (testing/test-database.ts). Tests talk to it over real HTTP with tokens the
// provider issued through its real flows.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { serve } from "@hono/node-server";
import type { JWK } from "jose";
import { startIdp } from "../idp";
import { API_AUDIENCE } from "../contracts/identity";
import { RATE_LIMIT_OFF, loadConfig, type ServiceConfig } from "../server/config";
import { startService, type ServiceOptions } from "../server";
import type { Db } from "../server/store/db";
import { createTestStore } from "./test-database";
import { ensureTestCertificate } from "./test-certificate";
import { appToken, userToken } from "./tokens";

export interface StackOptions {
  /** Seed the demo inboxes on the empty store (default false: tests create what they need). */
  seedDemo?: boolean;
  /** The service's clock. Tests that exercise expiry pass a clock they can move forward. */
  now?: () => Date;
  /**
   * Public keys the service should trust besides the provider's own. When given, the service
   * reads its JWKS from a loopback endpoint that serves the provider's keys plus these, so a
   * test can sign tokens whose signature verifies and whose claims are deliberately wrong.
   */
  extraTrustedKeys?: JWK[];
  /** Service options (stream heartbeat, push tuning); `now` above wins. */
  service?: ServiceOptions;
  /**
   * Configuration the test sets (ALLOWED_TENANTS, APP_ORIGIN, …) over the stack's own. Rate limits are
   * off unless a test sets `rateLimit`: suites send thousands of requests per user.
   */
  config?: Partial<Pick<ServiceConfig, "allowedTenants" | "publicOrigin" | "maxActiveNotifications" | "rateLimit" | "trustProxy">>;
  /**
   * Serve the service over https with the test certificate (testing/test-certificate.ts), as a
   * client that sends tokens only over TLS (the Graph SDK) needs; its callers trust the
   * certificate through NODE_EXTRA_CA_CERTS.
   */
  tls?: boolean;
}

export interface Stack {
  /** The throwaway data folder, laid out as `DATA_DIR` is (`idp/`, the service's PGlite store); removed on close. */
  dataDir: string;
  /** The identity provider's issuer, e.g. `http://localhost:40123`. */
  issuer: string;
  /** The service's origin, e.g. `http://127.0.0.1:40124`. */
  origin: string;
  /** The service's base URL, e.g. `http://127.0.0.1:40124/graph/beta`. */
  baseUrl: string;
  /** Client secret of the `notifications-sender` app. */
  senderSecret: string;
  /** The service's own store driver: for benchmarks that seed by SQL and time raw queries beside the API. */
  db: Db;
  /** Runs one pass of the service's maintenance now (expiry purge, snooze wake-up, history pruning). */
  runMaintenance(): Promise<void>;
  /** The service's routes (method and path, as the Hono app registered them): tests/service/openapi.test.ts checks each is documented. */
  routes: readonly { method: string; path: string }[];
  /** A delegated access token for a demo user, from the real auth-code + PKCE flow (cached per UPN). */
  tokenFor(upn: string): Promise<string>;
  /** An app-only access token for `notifications-sender`, from the real client-credentials flow (cached). */
  appTokenFor(): Promise<string>;
  /** Stops everything and removes the data folders (and the PostgreSQL database). */
  close(): Promise<void>;
}

/** An app origin the provider registers as a redirect target; nothing listens there (the flow is driven by hand). */
const TEST_APP_ORIGIN = "http://localhost:3999";

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const root = await mkdtemp(path.join(os.tmpdir(), "notif-stack-"));
  const cleanups: Array<() => Promise<void>> = [() => rm(root, { recursive: true, force: true })];
  const close = async () => {
    // Undo in reverse order of start; keep going if one step fails so nothing leaks.
    const errors: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  };

  try {
    // The provider keeps its files in `<root>/idp/`, where the sender CLI looks for the secret.
    const idp = await startIdp({ port: 0, dataDir: root, appOrigins: [TEST_APP_ORIGIN] });
    cleanups.push(() => idp.close());

    let jwksUri: string | undefined;
    if (opts.extraTrustedKeys && opts.extraTrustedKeys.length > 0) {
      const jwks = await startJwksUnion(idp.issuer, opts.extraTrustedKeys);
      cleanups.push(() => closeServer(jwks.server));
      jwksUri = jwks.url;
    }

    const store = await createTestStore(path.join(root, "service"));
    cleanups.push(() => store.close());
    const config: ServiceConfig = {
      // Start from the embedded defaults so fields added to ServiceConfig later keep a sane value.
      ...loadConfig({} as NodeJS.ProcessEnv),
      ...store.config,
      issuer: idp.issuer,
      jwksUri,
      audience: API_AUDIENCE,
      basePath: "/graph/beta",
      publicOrigin: undefined,
      seedDemo: opts.seedDemo ?? false,
      rateLimit: RATE_LIMIT_OFF,
      ...opts.config,
    };
    const service = await startService(config, { ...opts.service, ...(opts.now ? { now: opts.now } : {}) });
    cleanups.push(() => service.close());

    // The server's bindings go along, so the service sees each request's socket address, as under `npm run service`.
    const { server, port } = await listen((req, env) => service.fetch(req, env), opts.tls ?? false);
    cleanups.push(() => closeServer(server));

    const origin = `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
    const userTokens = new Map<string, Promise<string>>();
    let senderToken: Promise<string> | undefined;

    return {
      dataDir: root,
      issuer: idp.issuer,
      origin,
      baseUrl: `${origin}${config.basePath}`,
      senderSecret: idp.senderSecret,
      db: service.store.db,
      runMaintenance: () => service.runMaintenance(),
      routes: service.app.routes.map(({ method, path }) => ({ method, path })),
      tokenFor(upn) {
        const key = upn.toLowerCase();
        let token = userTokens.get(key);
        if (!token) {
          token = userToken(idp.issuer, upn);
          // A failed sign-in must not poison the cache for the next test.
          token.catch(() => userTokens.delete(key));
          userTokens.set(key, token);
        }
        return token;
      },
      appTokenFor() {
        if (!senderToken) {
          const token = appToken(idp.issuer, idp.senderSecret);
          token.catch(() => {
            if (senderToken === token) senderToken = undefined;
          });
          senderToken = token;
        }
        return senderToken;
      },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

function listen(fetch: (req: Request, env: unknown) => Promise<Response> | Response, tls: boolean): Promise<{ server: Server; port: number }> {
  const secure = tls ? { createServer: createHttpsServer, serverOptions: { key: ensureTestCertificate().keyPem, cert: ensureTestCertificate().certPem } } : {};
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1", ...secure }, (info) =>
      resolve({ server: server as Server, port: info.port }),
    ) as Server;
    server.once("error", reject);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets from the tests' fetch calls would otherwise hold close() open.
    server.closeAllConnections();
  });
}

/** A JWKS endpoint serving the provider's current keys plus `extra`, fetched fresh on every request. */
async function startJwksUnion(issuer: string, extra: JWK[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
          jwks_uri: string;
        };
        const own = (await (await fetch(discovery.jwks_uri)).json()) as { keys: JWK[] };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ keys: [...own.keys, ...extra] }));
      } catch (error) {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/jwks` };
}

// Production configuration is checked at start, each problem in one sentence:
// the database URL (its form, and that it answers), the VAPID pair that
// instances sharing a database must share, the one public origin (APP_ORIGIN),
// the issuer, ALLOWED_TENANTS; and the local identity provider stays out of
// production unless asked for. `npm run service` exits non-zero with the
// message and no stack trace.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import webpush from "web-push";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TENANT_A } from "../../contracts/demo-users";
import { assertLocalIdpAllowed, startIdp } from "../../idp";
import { ConfigError, loadConfig, validateConfig, type ServiceConfig } from "../../server/config";
import { startService } from "../../server";
import { startStack, type Stack } from "../../testing/stack";
import { users } from "../../testing/users";

const repo = path.resolve(__dirname, "../..");
const keys = webpush.generateVAPIDKeys();
const base = (env: Record<string, string> = {}): ServiceConfig => loadConfig({ DATA_DIR: "memory://", ...env });

describe("validateConfig", () => {
  it("finds nothing wrong with the embedded defaults", () => {
    expect(validateConfig(base(), {})).toEqual([]);
  });

  it("needs the VAPID pair with DATABASE_URL: instances sharing a database must sign pushes alike", () => {
    const problems = validateConfig(base({ DATABASE_URL: "postgres://app:pw@db:5432/notifications" }), {});
    expect(problems).toEqual([expect.stringMatching(/^VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are required with DATABASE_URL: every instance/)]);
    const withKeys = base({ DATABASE_URL: "postgres://app:pw@db:5432/notifications", VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey });
    expect(validateConfig(withKeys, {})).toEqual([]);
  });

  it("names every problem at once, one sentence each", () => {
    const env = {
      DATABASE_URL: "mysql://app@db/notifications",
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_SUBJECT: "notifications@contoso.test",
      APP_ORIGIN: "https://inbox.contoso.test/app",
      PUBLIC_ORIGIN: "https://inbox.contoso.test",
      ISSUER: "not a url",
      ALLOWED_TENANTS: `${TENANT_A}, contoso`,
    };
    const problems = validateConfig(base(env), env);
    expect(problems).toEqual([
      expect.stringMatching(/^PUBLIC_ORIGIN is not read any more: set APP_ORIGIN/),
      expect.stringMatching(/^APP_ORIGIN must be an origin .* got 'https:\/\/inbox\.contoso\.test\/app'/),
      expect.stringMatching(/^DATABASE_URL must be a postgres:\/\//),
      expect.stringMatching(/^VAPID_SUBJECT must be a mailto: or https: URL/),
      expect.stringMatching(/^ISSUER must be an http\(s\) URL/),
      expect.stringMatching(/^ALLOWED_TENANTS must list tenant ids .*: contoso\.$/),
    ]);
    const err = new ConfigError(problems);
    expect(err.message.split("\n")).toHaveLength(problems.length + 1);
  });

  it("knows Entra's shape: AUTH_AUTHORITY without ISSUER, an http issuer in production", () => {
    const entra = { AUTH_AUTHORITY: "https://login.microsoftonline.com/contoso" };
    expect(validateConfig(base(entra), entra)).toEqual([expect.stringMatching(/^AUTH_AUTHORITY signs users in with Entra ID, but ISSUER is unset/)]);
    const http = { NODE_ENV: "production", ISSUER: "http://login.contoso.test/v2.0" };
    expect(validateConfig(base(http), http)).toEqual([expect.stringMatching(/^ISSUER must be https in production/)]);
    const templated = { ISSUER: "https://login.microsoftonline.com/{tenantid}/v2.0", ALLOWED_TENANTS: TENANT_A.toUpperCase() };
    expect(validateConfig(base(templated), templated)).toEqual([]);
    expect(base(templated).allowedTenants).toEqual([TENANT_A]);
  });

  it("reads the one public origin from APP_ORIGIN", () => {
    expect(base({ APP_ORIGIN: "https://inbox.contoso.test/" }).publicOrigin).toBe("https://inbox.contoso.test");
    expect(base({ PUBLIC_ORIGIN: "https://inbox.contoso.test" }).publicOrigin).toBeUndefined();
  });

  it("reads PUSH_WORKER (on unless off) and PUSH_HEARTBEAT_SECONDS, and names a value it cannot read", () => {
    expect([base().pushWorker, base({ PUSH_WORKER: "off" }).pushWorker, base({ PUSH_WORKER: "ON" }).pushWorker]).toEqual([true, false, true]);
    expect([base().pushHeartbeatSeconds, base({ PUSH_HEARTBEAT_SECONDS: "1.5" }).pushHeartbeatSeconds]).toEqual([5, 1.5]);
    const bad = { PUSH_WORKER: "no", PUSH_HEARTBEAT_SECONDS: "0" };
    expect(validateConfig(base(bad), bad)).toEqual([
      expect.stringMatching(/^PUSH_WORKER must be on or off .*: got 'no'\.$/),
      expect.stringMatching(/^PUSH_HEARTBEAT_SECONDS must be a number of seconds from 0\.5 to 300: got '0'\.$/),
    ]);
  });

  it("stops startService before it opens anything", async () => {
    const config = base({ DATABASE_URL: "postgres://app:pw@127.0.0.1:1/notifications" });
    await expect(startService(config)).rejects.toThrow(ConfigError);
    await expect(startService(config)).rejects.toThrow(/VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are required with DATABASE_URL/);
  });
});

/** `npm run service` with `env`: its exit code and everything it printed. */
function runService(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
      cwd: repo,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", SERVICE_PORT: "0", DATA_DIR: "memory://", ...env } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, output }));
  });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe("npm run service with a configuration it cannot run", () => {
  it("an unreachable DATABASE_URL: one clear line, exit code 1, no stack trace, no password", async () => {
    const port = await closedPort();
    const { code, output } = await runService({
      DATABASE_URL: `postgres://app:s3cret@127.0.0.1:${port}/notifications`,
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
    });
    expect(code).toBe(1);
    const lines = output.split("\n").filter((l) => l.trim() !== "" && !/oidc-provider|Unsupported runtime/.test(l));
    expect(lines).toEqual([
      `[service] failed to start: DATABASE_URL: cannot connect to PostgreSQL at app@127.0.0.1:${port}/notifications: connect ECONNREFUSED 127.0.0.1:${port}`,
    ]);
    expect(output).not.toContain("s3cret");
  }, 60_000);

  it("DATABASE_URL without the VAPID pair: refused before connecting, exit code 1", async () => {
    const { code, output } = await runService({ DATABASE_URL: "postgres://app:pw@127.0.0.1:1/notifications" });
    expect(code).toBe(1);
    expect(output.trim()).toMatch(/^\[service\] failed to start: Configuration problem: VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are required with DATABASE_URL/);
    expect(output).not.toMatch(/^\s+at /m);
  }, 60_000);
});

describe("the local identity provider in production", () => {
  it("refuses to start unless LOCAL_IDP=1", async () => {
    expect(() => assertLocalIdpAllowed({ NODE_ENV: "production" })).toThrow(/NODE_ENV=production: the local identity provider .* LOCAL_IDP=1/);
    expect(() => assertLocalIdpAllowed({ NODE_ENV: "production", LOCAL_IDP: "1" })).not.toThrow();
    expect(() => assertLocalIdpAllowed({ NODE_ENV: "development" })).not.toThrow();
    await expect(startIdp({ port: 0, dataDir: "/nonexistent", appOrigins: ["http://localhost:3999"], env: { NODE_ENV: "production" } })).rejects.toThrow(
      /does not start in production/,
    );
  });
});

describe("ALLOWED_TENANTS and APP_ORIGIN on a running service", () => {
  let stack: Stack;
  const origin = "https://inbox.contoso.test";
  beforeAll(async () => {
    stack = await startStack({ config: { allowedTenants: [TENANT_A], publicOrigin: origin } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("answers 401 to a genuine token of any other tenant, and builds links on APP_ORIGIN", async () => {
    const get = async (upn: string) =>
      fetch(`${stack.baseUrl}/me/notifications`, { headers: { authorization: `Bearer ${await stack.tokenFor(upn)}` } });
    const other = await get(users.bruno.upn);
    expect(other.status).toBe(401);
    expect(((await other.json()) as { error: { message: string } }).error.message).toBe("The access token's tenant is not allowed here.");

    const sent = await fetch(`${stack.baseUrl}/me/notifications`, {
      method: "POST",
      headers: { authorization: `Bearer ${await stack.tokenFor(users.adele.upn)}`, "content-type": "application/json" },
      body: JSON.stringify({ targetHostName: "tests.contoso.test", payload: { visualContent: { title: "Allowed" } } }),
    });
    expect(sent.status).toBe(201);
    expect(sent.headers.get("location")).toMatch(new RegExp(`^${origin}/graph/beta/users/${users.adele.oid}/notifications/`));
  });
});

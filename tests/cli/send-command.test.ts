// The whole sender command against a fake issuer and a fake API on loopback:
// what goes over the wire, what lands on stdout/stderr, and the exit codes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "@/scripts/lib/send-args";
import { retryAfterMs, runSend } from "@/scripts/lib/send-command";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Handler = (req: Seen, res: ServerResponse) => void;

let server: Server;
let base = "";
let seen: Seen[] = [];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

const okToken: Handler = (_req, res) => json(res, 200, { access_token: "app-token", token_type: "Bearer", expires_in: 3600 });
const okCreate: Handler = (req, res) =>
  json(
    res,
    201,
    { "@odata.context": "ctx", id: "3407d93c-77f7-4bc0-8fbf-46221a7bed72", priority: "High", expirationDateTime: "2026-12-04T10:00:00.000Z", payload: {} },
    { location: `${base}/graph/beta${req.url}/3407d93c-77f7-4bc0-8fbf-46221a7bed72`, "request-id": "req-1" },
  );

let apiHandler = okCreate;
let tokenHandler = okToken;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      if (s.url === "/.well-known/openid-configuration") return json(res, 200, { issuer: base, token_endpoint: `${base}/token` });
      if (s.url === "/token") return tokenHandler(s, res);
      if (s.url.startsWith("/graph/beta/")) return apiHandler(s, res);
      json(res, 404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

afterEach(() => {
  seen = [];
  apiHandler = okCreate;
  tokenHandler = okToken;
});
/** The secret in the token request's Basic header (form-encoded per RFC 6749). */
function secretSent(): string {
  const basic = seen.find((s) => s.url === "/token")!.headers.authorization!.replace(/^Basic /, "");
  const [, secret = ""] = Buffer.from(basic, "base64").toString().split(":");
  return decodeURIComponent(secret.replace(/\+/g, " "));
}

const slept: number[] = [];

async function send(argv: string[], extraEnv: Env = {}) {
  const out: string[] = [];
  const err: string[] = [];
  slept.length = 0;
  const code = await runSend(argv, {
    sleep: async (ms) => {
      slept.push(ms);
    },
    env: { ISSUER: base, API_URL: `${base}/graph/beta`, SEND_CLIENT_SECRET: "s3cret", ...extraEnv },
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    now: new Date("2026-11-27T10:00:00.000Z"),
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

describe("npm run send", () => {
  it("gets a client-credentials token, posts the notification and prints only the id on stdout", async () => {
    const r = await send(["--to", "adele@contoso.test", "--title", "Hello", "--body", "World", "--expires", "3d"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("3407d93c-77f7-4bc0-8fbf-46221a7bed72");
    expect(r.stderr).toMatch(/sent to adele@contoso.test: "Hello"/);
    expect(r.stderr).toMatch(/request-id +req-1/);

    const token = seen.find((s) => s.url === "/token")!;
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from("notifications-sender:s3cret").toString("base64")}`);
    expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({
      grant_type: "client_credentials",
      scope: "api://notifications/.default",
    });

    const post = seen.find((s) => s.url.startsWith("/graph/beta/"))!;
    expect(post.method).toBe("POST");
    expect(post.url).toBe("/graph/beta/users/adele%40contoso.test/notifications");
    expect(post.headers.authorization).toBe("Bearer app-token");
    expect(post.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(post.body)).toEqual({
      targetHostName: "localhost",
      expirationDateTime: "2026-11-30T10:00:00.000Z",
      payload: { visualContent: { title: "Hello", body: "World" } },
    });
  });

  it("reads the secret the local provider wrote into $DATA_DIR/idp when no variable names one", async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "send-test-"));
    try {
      await mkdir(path.join(dataDir, "idp"));
      await writeFile(path.join(dataDir, "idp", "sender-secret"), "from-file\n");
      const r = await send(["--to", "x@y.test", "--title", "t"], { SEND_CLIENT_SECRET: "", DATA_DIR: dataDir });
      expect(r.code).toBe(0);
      expect(secretSent()).toBe("from-file");
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("form-encodes a secret with reserved characters in the Basic header", async () => {
    await send(["--to", "x@y.test", "--title", "t"], { SEND_CLIENT_SECRET: "a:b c+d%" });
    const basic = seen.find((s) => s.url === "/token")!.headers.authorization!;
    expect(Buffer.from(basic.replace(/^Basic /, ""), "base64").toString()).toBe("notifications-sender:a%3Ab+c%2Bd%25");
    expect(secretSent()).toBe("a:b c+d%");
  });

  it("prefers SEND_CLIENT_SECRET over IDP_SENDER_SECRET", async () => {
    await send(["--to", "x@y.test", "--title", "t"], { IDP_SENDER_SECRET: "idp" });
    expect(secretSent()).toBe("s3cret");
  });

  it("prints the Graph error code, message and request id and exits 1", async () => {
    apiHandler = (_req, res) =>
      json(
        res,
        404,
        { error: { code: "itemNotFound", message: "No user nobody@contoso.test", innerError: { "request-id": "req-404", date: "x" } } },
        { "request-id": "req-404" },
      );
    const r = await send(["--to", "nobody@contoso.test", "--title", "t"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/404 itemNotFound: No user nobody@contoso.test/);
    expect(r.stderr).toMatch(/request-id +req-404/);
    expect(r.stderr).toMatch(/client-request-id +[0-9a-f-]{36}/);
  });

  it("sends again after a 429 once the Retry-After has passed", async () => {
    let calls = 0;
    apiHandler = (req, res) => {
      calls++;
      if (calls === 1) {
        return json(res, 429, { error: { code: "activityLimitReached", message: "slow down", innerError: {} } }, { "retry-after": "2" });
      }
      okCreate(req, res);
    };
    const r = await send(["--to", "x@y.test", "--title", "t"]);
    expect(r.code).toBe(0);
    expect(calls).toBe(2);
    expect(slept).toEqual([2000]);
    expect(r.stderr).toMatch(/429 activityLimitReached; retrying in 2 s/);
    expect(r.stdout).toBe("3407d93c-77f7-4bc0-8fbf-46221a7bed72");
  });

  it("gives up after two retries of a 503 and reports it", async () => {
    let calls = 0;
    apiHandler = (_req, res) => {
      calls++;
      json(res, 503, { error: { code: "serviceNotAvailable", message: "busy", innerError: {} } }, { "retry-after": "1" });
    };
    const r = await send(["--to", "x@y.test", "--title", "t"]);
    expect(r.code).toBe(1);
    expect(calls).toBe(3);
    expect(r.stderr).toMatch(/503 serviceNotAvailable: busy/);
    expect(r.stderr).toMatch(/retry after +1 s/);
  });

  it("does not wait out a Retry-After longer than 30 s", async () => {
    let calls = 0;
    apiHandler = (_req, res) => {
      calls++;
      json(res, 429, { error: { code: "activityLimitReached", message: "later", innerError: {} } }, { "retry-after": "120" });
    };
    const r = await send(["--to", "x@y.test", "--title", "t"]);
    expect(r.code).toBe(1);
    expect(calls).toBe(1);
    expect(slept).toEqual([]);
  });

  it("never retries a 400", async () => {
    let calls = 0;
    apiHandler = (_req, res) => {
      calls++;
      json(res, 400, { error: { code: "invalidRequest", message: "bad", innerError: {} } });
    };
    expect((await send(["--to", "x@y.test", "--title", "t"])).code).toBe(1);
    expect(calls).toBe(1);
  });

  it("reports the issuer's OAuth error and exits 1 without calling the API", async () => {
    tokenHandler = (_req, res) => json(res, 401, { error: "invalid_client", error_description: "client authentication failed" });
    const r = await send(["--to", "x@y.test", "--title", "t"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/401 invalid_client \(client authentication failed\)/);
    expect(seen.some((s) => s.url.startsWith("/graph/beta/"))).toBe(false);
  });

  it("says which server it could not reach", async () => {
    const r = await send(["--to", "x@y.test", "--title", "t"], { API_URL: "http://127.0.0.1:9/graph/beta" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the notifications API at http:\/\/127.0.0.1:9\/graph\/beta\/users/);
  });

  it("refuses Entra's {tenantid} issuer template with a clear message and makes no request", async () => {
    const r = await send(["--to", "x@y.test", "--title", "t"], { ISSUER: `${base}/{tenantid}/v2.0` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\{tenantid\}\/v2\.0 is a template; run the sender with its tenant's issuer/);
    expect(seen).toEqual([]);
  });

  it("exits 2 with the usage on a bad flag and makes no request", async () => {
    const r = await send(["--to", "x@y.test", "--title", "t", "--priority", "urgent"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--priority must be High, Low or None/);
    expect(r.stderr).toMatch(/Usage: npm run send/);
    expect(seen).toEqual([]);
  });

  it("prints the usage for --help and exits 0", async () => {
    const r = await send(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/Usage: npm run send/);
  });
});

describe("retryAfterMs", () => {
  it("reads delta-seconds and HTTP dates", () => {
    expect(retryAfterMs("3")).toBe(3000);
    expect(retryAfterMs("Fri, 27 Nov 2026 10:00:05 GMT", Date.parse("2026-11-27T10:00:00Z"))).toBe(5000);
    expect(retryAfterMs("Fri, 27 Nov 2026 09:00:00 GMT", Date.parse("2026-11-27T10:00:00Z"))).toBe(0);
  });

  it("ignores a missing or unreadable value", () => {
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs("soon")).toBeUndefined();
  });
});

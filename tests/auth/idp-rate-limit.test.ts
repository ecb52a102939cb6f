// The local provider's token endpoint under rate limits (issue 12 found 200
// wrong client secrets answered in 0.4 s): per client address, a burst of
// token requests and then 429; wrong client secrets far sooner, after which
// even the right secret is 429 until the minute ends. OAuth's JSON error,
// Retry-After in whole seconds, CORS for the app's origin so MSAL can read it.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SENDER_CLIENT_ID } from "@/contracts/demo-users";
import { startIdp, type RunningIdp } from "@/idp";
import { DEFAULT_TOKEN_RATE_LIMIT, tokenRateLimitFromEnv } from "@/idp/rate-limit";
import { APP_SCOPE } from "@/testing/tokens";

const APP_ORIGIN = "http://localhost:3999";
let dataDir: string;
const running: RunningIdp[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "idp-rate-limit-"));
});

afterAll(async () => {
  await Promise.all(running.map((i) => i.close()));
  await rm(dataDir, { recursive: true, force: true });
});

async function start(rateLimit: Parameters<typeof startIdp>[0]["rateLimit"]): Promise<RunningIdp> {
  const idp = await startIdp({ port: 0, dataDir, appOrigins: [APP_ORIGIN], rateLimit });
  running.push(idp);
  return idp;
}

function clientCredentials(idp: RunningIdp, secret: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${idp.issuer}/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${SENDER_CLIENT_ID}:${encodeURIComponent(secret)}`).toString("base64")}`,
      ...headers,
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: APP_SCOPE }).toString(),
  });
}

async function expectTooMany(res: Response, maxSeconds: number): Promise<void> {
  expect(res.status).toBe(429);
  expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
  const seconds = Number(res.headers.get("retry-after"));
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(await res.json()).toEqual({ error: "temporarily_unavailable", error_description: expect.stringMatching(/^Too many .* Retry after \d+ s\.$/) });
}

describe("the token endpoint's rate limits", () => {
  it("defaults to 20 requests a second with bursts of 100 and 10 failed client authentications a minute per address; RATE_LIMIT=off turns them off", () => {
    expect(DEFAULT_TOKEN_RATE_LIMIT).toEqual({ perSecond: 20, burst: 100, failedClientAuthPerMinute: 10 });
    expect(tokenRateLimitFromEnv({})).toEqual(DEFAULT_TOKEN_RATE_LIMIT);
    expect(tokenRateLimitFromEnv({ RATE_LIMIT: "off" })).toBe(false);
  });

  it("refuses wrong client secrets past the limit with 429, and then the right secret too, before it is checked", async () => {
    const idp = await start({ perSecond: 100, burst: 1000, failedClientAuthPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      const res = await clientCredentials(idp, `wrong-${i}`);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe("invalid_client");
    }
    await expectTooMany(await clientCredentials(idp, "wrong-again"), 60);
    await expectTooMany(await clientCredentials(idp, idp.senderSecret), 60);
    // A browser of the app's origin can read the answer (and its Retry-After).
    const cors = await clientCredentials(idp, idp.senderSecret, { origin: APP_ORIGIN });
    await expectTooMany(cors, 60);
    expect(cors.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(cors.headers.get("access-control-expose-headers")).toMatch(/Retry-After/i);
    // Discovery and keys are not the token endpoint.
    expect((await fetch(`${idp.issuer}/.well-known/openid-configuration`)).status).toBe(200);
  });

  it("answers token requests past the burst 429, and serves again after Retry-After", async () => {
    const idp = await start({ perSecond: 5, burst: 5, failedClientAuthPerMinute: 100 });
    for (let i = 0; i < 5; i++) {
      const res = await clientCredentials(idp, idp.senderSecret);
      expect(res.status, await res.clone().text()).toBe(200);
    }
    const refused = await clientCredentials(idp, idp.senderSecret);
    await expectTooMany(refused, 1);
    await new Promise((r) => setTimeout(r, Number(refused.headers.get("retry-after")) * 1000));
    expect((await clientCredentials(idp, idp.senderSecret)).status).toBe(200);
  });

  it("has no limits when told so", async () => {
    const idp = await start(false);
    for (let i = 0; i < 15; i++) expect((await clientCredentials(idp, `wrong-${i}`)).status).toBe(401);
  });
});

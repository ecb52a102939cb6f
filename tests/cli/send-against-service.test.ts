// The sender CLI against the real local provider and the real service (PGlite
// in a temp folder, on loopback): the path a new user follows in the README.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "@/testing/stack";
import type { Env } from "@/scripts/lib/send-args";
import { runSend } from "@/scripts/lib/send-command";

let stack: Stack;
let adeleToken: string;

beforeAll(async () => {
  stack = await startStack();
  adeleToken = await stack.tokenFor("adele@contoso.test");
  // Adele signs in once, so the service has seen her UPN.
  const res = await fetch(`${stack.baseUrl}/me/notifications`, { headers: { authorization: `Bearer ${adeleToken}` } });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await stack?.close();
});

async function send(argv: string[], env: Env = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSend(argv, {
    // The secret comes from the file the provider wrote into the data folder, as with npm start.
    env: { ISSUER: stack.issuer, API_URL: stack.baseUrl, DATA_DIR: stack.dataDir, ...env },
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

async function inbox(): Promise<{ id: string; payload: { visualContent?: { title: string; body?: string } }; groupName: string | null; priority: string }[]> {
  const res = await fetch(`${stack.baseUrl}/me/notifications?$top=10`, { headers: { authorization: `Bearer ${adeleToken}` } });
  return ((await res.json()) as { value: never[] }).value;
}

describe("npm run send against the real provider and service", () => {
  it("delivers a notification to a user by UPN, and the id it prints is the one in the inbox", async () => {
    const r = await send(["--to", "adele@contoso.test", "--title", "Deploy finished", "--body", "v1.2.3 is live", "--group", "deploys", "--priority", "low", "--expires", "2d"]);
    expect(r.stderr).toMatch(/sent to adele@contoso.test/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const newest = (await inbox())[0]!;
    expect(newest.id).toBe(r.stdout);
    expect(newest.payload.visualContent).toEqual({ title: "Deploy finished", body: "v1.2.3 is live" });
    expect(newest.groupName).toBe("deploys");
    expect(newest.priority).toBe("Low");
  });

  it("delivers by object id too", async () => {
    const r = await send(["--to", "a1f0c3d2-1b2c-4d5e-8f90-1a2b3c4d5e01", "--title", "By oid"]);
    expect(r.code).toBe(0);
    expect((await inbox())[0]!.id).toBe(r.stdout);
  });

  it("updates the same notification when the app id repeats", async () => {
    const first = await send(["--to", "adele@contoso.test", "--title", "Build 1 running", "--app-id", "build-1"]);
    const second = await send(["--to", "adele@contoso.test", "--title", "Build 1 passed", "--app-id", "build-1"]);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const item = (await inbox()).find((n) => n.id === first.stdout)!;
    expect(item.payload.visualContent?.title).toBe("Build 1 passed");
  });

  it("reports an unknown UPN as the service's 404 itemNotFound and exits 1", async () => {
    const r = await send(["--to", "nobody@contoso.test", "--title", "Hello"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/404 itemNotFound/);
    expect(r.stderr).toMatch(/request-id +[0-9a-f-]{36}/);
  });

  it("reports the service's 400 for an expiry beyond 30 days", async () => {
    const r = await send(["--to", "adele@contoso.test", "--title", "Too late", "--expires", "31d"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/400 invalidRequest: .*expirationDateTime/);
  });

  it("fails with the provider's invalid_client on a wrong secret", async () => {
    const r = await send(["--to", "adele@contoso.test", "--title", "Hello"], { SEND_CLIENT_SECRET: "wrong" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/401 invalid_client/);
  });
});

// The Next app's /healthz and /readyz route handlers over the process's one
// service (getService in server/index.ts, configured from the environment as
// `npm start` configures it): a service that could not open, or is still
// opening, is not ready; one that is open and answers is; a closed one is not.
// The service getService opens also serves /metrics on METRICS_PORT.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getService } from "@/server/index";

const healthz = await import("@/app/healthz/route");
const readyz = await import("@/app/readyz/route");

const saved = { ...process.env };
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "health-routes-"));
  Object.assign(process.env, { SEED_DEMO: "0", METRICS_PORT: "0", METRICS_HOST: "127.0.0.1" });
  delete process.env.DATABASE_URL;
});

afterAll(async () => {
  await getService()
    .then((s) => s.close())
    .catch(() => undefined);
  process.env = saved;
  if (root) await rm(root, { recursive: true, force: true });
});

async function ready(): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const res = await readyz.GET(new Request("http://app.test/readyz"));
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.json() };
}

describe("the Next app's /healthz and /readyz", () => {
  it("are dynamic route handlers in Node", () => {
    for (const route of [healthz, readyz]) {
      expect(route.dynamic).toBe("force-dynamic");
      expect(route.runtime).toBe("nodejs");
    }
  });

  it("/healthz: 200 {status: ok}, whatever the service", async () => {
    const res = healthz.GET(new Request("http://app.test/healthz"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("/readyz: 503 with Retry-After while the service cannot open, 200 once it has, 503 once it is closed", { timeout: 120_000 }, async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      // A data folder inside a file: the store cannot open.
      const file = path.join(root, "not-a-folder");
      await writeFile(file, "");
      process.env.DATA_DIR = path.join(file, "data");
      const failed = await ready();
      expect(failed).toEqual({
        status: 503,
        retryAfter: "5",
        body: { status: "unavailable", failed: ["service"], checks: { service: "failed", database: "skipped", queue: "skipped" } },
      });

      // The next request tries again: in memory it opens (a probe during the open may hear "starting").
      process.env.DATA_DIR = "memory://";
      let answer = await ready();
      const deadline = Date.now() + 90_000;
      while (answer.status !== 200 && Date.now() < deadline) {
        expect(answer).toMatchObject({ status: 503, retryAfter: "5", body: { failed: ["service"], checks: { service: "starting" } } });
        await new Promise((r) => setTimeout(r, 200));
        answer = await ready();
      }
      expect(answer).toEqual({ status: 200, retryAfter: null, body: { status: "ready", checks: { service: "ok", database: "ok", queue: "ok" } } });

      // getService's service serves /metrics on a listener of its own.
      const service = await getService();
      expect(service.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const metrics = await fetch(service.metricsUrl!);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain("notifications_live_streams 0");

      await service.close();
      const closed = await ready();
      expect(closed).toMatchObject({ status: 503, retryAfter: "5", body: { status: "unavailable", failed: ["database"], checks: { service: "ok", database: "failed" } } });
      // Its metrics listener closed with it.
      await expect(fetch(service.metricsUrl!)).rejects.toThrow();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});

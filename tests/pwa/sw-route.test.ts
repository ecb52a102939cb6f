// GET /sw.js (app/sw.js/route.ts): the worker of this build's dist folder, revalidated on every
// update check (no-cache + ETag), with scope / allowed; 404 when the build has no worker.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GET } from "@/app/sw.js/route";

describe("GET /sw.js", () => {
  let dist: string;
  const before = process.env.NEXT_DIST_DIR;
  beforeEach(() => {
    dist = mkdtempSync(path.join(tmpdir(), "sw-route-"));
    process.env.NEXT_DIST_DIR = dist;
  });
  afterEach(() => {
    if (before === undefined) delete process.env.NEXT_DIST_DIR;
    else process.env.NEXT_DIST_DIR = before;
    rmSync(dist, { recursive: true, force: true });
  });

  it("serves the built worker with no-cache, its scope and an ETag; 304 for unchanged bytes, 200 once they change", async () => {
    mkdirSync(path.join(dist, "sw"));
    writeFileSync(path.join(dist, "sw", "sw.js"), "self.v=1;");
    const first = await GET(new Request("http://localhost/sw.js"));
    expect(first.status).toBe(200);
    expect(await first.text()).toBe("self.v=1;");
    expect(first.headers.get("cache-control")).toBe("no-cache");
    expect(first.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(first.headers.get("service-worker-allowed")).toBe("/");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^".+"$/);

    const again = await GET(new Request("http://localhost/sw.js", { headers: { "If-None-Match": etag! } }));
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    writeFileSync(path.join(dist, "sw", "sw.js"), "self.v=2;");
    const updated = await GET(new Request("http://localhost/sw.js", { headers: { "If-None-Match": etag! } }));
    expect(updated.status).toBe(200);
    expect(await updated.text()).toBe("self.v=2;");
    expect(updated.headers.get("etag")).not.toBe(etag);
  });

  it("answers 404, never cached, when the build has no worker", async () => {
    const res = await GET(new Request("http://localhost/sw.js"));
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/server/config";
import { startService } from "@/server";
import { DataDirLockedError } from "@/server/store/lock";
import { MIGRATIONS } from "@/server/store/migrations";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function folderConfig() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "svc-life-"));
  dirs.push(dir);
  return { ...loadConfig({ ...process.env, DATA_DIR: dir }), seedDemo: true };
}

describe("the service's store lifecycle", () => {
  // Three service starts, each opening PGlite (WebAssembly) on a folder: slow when the machine is busy.
  it("refuses a second owner of the data folder, and a restart keeps the data", { timeout: 180_000 }, async () => {
    const config = await folderConfig();
    const first = await startService(config);
    const seeded = await first.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM notifications");
    expect(seeded.rows[0]!.n).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(path.join(config.dataDir, "pglite.lock"), "utf8")).pid).toBe(process.pid);

    await expect(startService(config)).rejects.toThrow(DataDirLockedError);

    await first.close();
    await expect(readFile(path.join(config.dataDir, "pglite.lock"), "utf8")).rejects.toThrow(/ENOENT/);
    const second = await startService(config);
    try {
      // Not seeded twice: the store was not empty.
      const again = await second.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM notifications");
      expect(again.rows[0]!.n).toBe(seeded.rows[0]!.n);
      const migrations = await second.store.db.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(migrations.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await second.close();
    }
  });

  it("answers unknown routes and wrong methods with Graph errors that carry a request-id", async () => {
    const service = await startService({ ...loadConfig({ ...process.env, DATA_DIR: "memory://" }), seedDemo: false });
    try {
      const unknown = await service.fetch(new Request("http://localhost/nowhere"));
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(await unknown.json()).toMatchObject({ error: { code: "itemNotFound" } });

      const wrong = await service.fetch(
        new Request("http://localhost/graph/beta/me/notifications", { method: "PUT", headers: { "client-request-id": "abc-1" } }),
      );
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get("allow")).toBe("GET, POST");
      expect(wrong.headers.get("client-request-id")).toBe("abc-1");
      expect(await wrong.json()).toMatchObject({
        error: { code: "methodNotAllowed", innerError: { "request-id": wrong.headers.get("request-id"), "client-request-id": "abc-1" } },
      });
    } finally {
      await service.close();
    }
  });
});

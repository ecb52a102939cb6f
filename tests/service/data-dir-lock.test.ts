import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, acquireDataDirLock } from "@/server/store/lock";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "lock-test-"));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe("the data folder lock", () => {
  it("writes this process's pid and removes the file on release", async () => {
    const dir = await tempDir();
    const lock = await acquireDataDirLock(dir);
    expect(JSON.parse(await readFile(lock.path, "utf8")).pid).toBe(process.pid);
    lock.release();
    await expect(readFile(lock.path, "utf8")).rejects.toThrow(/ENOENT/);
  });

  it("refuses a second owner while the first is alive", async () => {
    const dir = await tempDir();
    const lock = await acquireDataDirLock(dir);
    await expect(acquireDataDirLock(dir)).rejects.toThrow(DataDirLockedError);
    lock.release();
    (await acquireDataDirLock(dir)).release();
  });

  it("takes over a lock whose owner is dead", async () => {
    const dir = await tempDir();
    // pid 2^22 + 1 is above Linux's pid_max default range: no such process.
    await writeFile(path.join(dir, "pglite.lock"), JSON.stringify({ pid: 4_194_305 }));
    const lock = await acquireDataDirLock(dir);
    expect(JSON.parse(await readFile(lock.path, "utf8")).pid).toBe(process.pid);
    lock.release();
  });
});

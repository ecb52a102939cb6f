// PGlite does not lock its folder, and a second process that opens it silently
// loses acknowledged writes (field notes). This lock file makes one process the
// owner: a live owner is refused with a clear error, a dead one's lock is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export class DataDirLockedError extends Error {
  constructor(lockPath: string, pid: number) {
    super(
      `The data folder is in use by another live process (pid ${pid}, lock ${lockPath}). ` +
        "PGlite allows one owner per folder: stop that process or use another DATA_DIR.",
    );
    this.name = "DataDirLockedError";
  }
}

export interface DataDirLock {
  path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(lockPath: string): number | undefined {
  try {
    const parsed = JSON.parse(readFileSync(lockPath, "utf8")) as { pid?: unknown };
    return typeof parsed.pid === "number" ? parsed.pid : undefined;
  } catch {
    return undefined;
  }
}

export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, "pglite.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off("exit", release);
        if (readOwner(lockPath) === process.pid) {
          try {
            unlinkSync(lockPath);
          } catch {
            // already gone
          }
        }
      };
      process.on("exit", release);
      return { path: lockPath, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = readOwner(lockPath);
      // The same process holding it counts as a live owner too: two opens in one
      // process are the same hazard as two processes.
      if (pid !== undefined && isAlive(pid)) throw new DataDirLockedError(lockPath, pid);
      // Stale (owner dead) or unreadable: take it over.
      try {
        unlinkSync(lockPath);
      } catch {
        // someone else removed it first; retry the exclusive create
      }
    }
  }
  throw new Error(`Could not acquire ${lockPath}`);
}

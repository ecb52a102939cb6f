// Opening and closing the store: the lock, the driver, the migrations.
import { randomBytes } from "node:crypto";
import type { ServiceConfig } from "../config";
import type { Db } from "./db";
import { acquireDataDirLock, type DataDirLock } from "./lock";
import { migrate } from "./migrations";
import { isMemoryDataDir, openPgliteDb } from "./drivers/pglite";

export interface Store {
  db: Db;
  /** Where it lives: a folder, or `memory://`. */
  location: string;
  /** Key for HMAC-signed paging tokens; kept in the store so links survive a restart. */
  tokenKey: Uint8Array;
  /** False for PGlite (single-user Postgres): the service must VACUUM/ANALYZE itself. */
  autovacuum: boolean;
  close(): Promise<void>;
}

export async function openStore(config: Pick<ServiceConfig, "dataDir" | "databaseUrl">): Promise<Store> {
  if (config.databaseUrl) {
    throw new Error("DATABASE_URL (PostgreSQL) is not supported yet: unset it to use the embedded PGlite store.");
  }
  let lock: DataDirLock | undefined;
  if (!isMemoryDataDir(config.dataDir)) lock = await acquireDataDirLock(config.dataDir);
  let db: Db | undefined;
  try {
    db = await openPgliteDb(config.dataDir);
    await migrate(db);
    const tokenKey = await loadTokenKey(db);
    const opened = db;
    return {
      db: opened,
      location: config.dataDir,
      tokenKey,
      autovacuum: false,
      async close() {
        try {
          await opened.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (err) {
    await db?.close().catch(() => undefined);
    lock?.release();
    throw err;
  }
}

async function loadTokenKey(db: Db): Promise<Uint8Array> {
  await db.query(
    "INSERT INTO service_settings (key, value) VALUES ('page_token_key', $1) ON CONFLICT (key) DO NOTHING",
    [randomBytes(32).toString("base64")],
  );
  const { rows } = await db.query<{ value: string }>("SELECT value FROM service_settings WHERE key = 'page_token_key'");
  return Buffer.from(rows[0]!.value, "base64");
}

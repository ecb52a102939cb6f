// Opening and closing the store: the driver (PGlite in a data folder, or
// PostgreSQL at DATABASE_URL), the data folder's lock (PGlite only), the
// migrations (under an advisory lock, so instances starting at once migrate once).
import { randomBytes } from "node:crypto";
import type { ServiceConfig } from "../config";
import type { Db } from "./db";
import { acquireDataDirLock, type DataDirLock } from "./lock";
import { migrate } from "./migrations";
import { isMemoryDataDir, openPgliteDb } from "./drivers/pglite";
import { describeUrl, openPostgresDb } from "./drivers/postgres";

export interface Store {
  db: Db;
  /** Where it lives: a folder, `memory://`, or `user@host:port/database` (never a password). */
  location: string;
  /** Key for HMAC-signed paging tokens; kept in the store so links survive a restart. */
  tokenKey: Uint8Array;
  /** False for PGlite (single-user Postgres): the service must VACUUM/ANALYZE itself. */
  autovacuum: boolean;
  /**
   * True when this process is the store's only user (PGlite: its data folder's
   * lock). False on PostgreSQL, where other instances may share the database.
   */
  exclusive: boolean;
  /** The migrations this open applied (empty when another instance, or an earlier start, had). */
  appliedMigrations: number[];
  close(): Promise<void>;
}

export async function openStore(config: Pick<ServiceConfig, "dataDir" | "databaseUrl">): Promise<Store> {
  if (config.databaseUrl) return openPostgresStore(config.databaseUrl);
  let lock: DataDirLock | undefined;
  if (!isMemoryDataDir(config.dataDir)) lock = await acquireDataDirLock(config.dataDir);
  let db: Db | undefined;
  try {
    db = await openPgliteDb(config.dataDir);
    return await ready(db, { location: config.dataDir, autovacuum: false, exclusive: true }, () => lock?.release());
  } catch (err) {
    await db?.close().catch(() => undefined);
    lock?.release();
    throw err;
  }
}

async function openPostgresStore(url: string): Promise<Store> {
  const db = await openPostgresDb(url);
  try {
    return await ready(db, { location: describeUrl(url), autovacuum: true, exclusive: false });
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

async function ready(
  db: Db,
  what: Pick<Store, "location" | "autovacuum" | "exclusive">,
  afterClose: () => void = () => {},
): Promise<Store> {
  const appliedMigrations = await migrate(db);
  const tokenKey = await loadTokenKey(db);
  return {
    db,
    ...what,
    tokenKey,
    appliedMigrations,
    async close() {
      try {
        await db.close();
      } finally {
        afterClose();
      }
    },
  };
}

async function loadTokenKey(db: Db): Promise<Uint8Array> {
  await db.query(
    "INSERT INTO service_settings (key, value) VALUES ('page_token_key', $1) ON CONFLICT (key) DO NOTHING",
    [randomBytes(32).toString("base64")],
  );
  const { rows } = await db.query<{ value: string }>("SELECT value FROM service_settings WHERE key = 'page_token_key'");
  return Buffer.from(rows[0]!.value, "base64");
}

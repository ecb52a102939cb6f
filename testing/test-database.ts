// The store a service under test runs on: PGlite (a folder or memory), or,
// when TEST_DATABASE_URL names a PostgreSQL role that may CREATE DATABASE
// (scripts/test-postgres.sh sets it up), a fresh database of its own, dropped
// on close. Suites that start services take their store settings from here, so
// the same suite runs on both engines.
import { randomBytes } from "node:crypto";
import pg from "pg";
import webpush from "web-push";
import type { ServiceConfig } from "../server/config";

/** postgres://role:password@host:port/db of the test role; unset: PGlite. */
export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

/** Which engine the suites run on: for test names and the few engine-specific expectations. */
export const onPostgres = (): boolean => testDatabaseUrl() !== undefined;

export interface TestDatabase {
  /** The new database's connection string (the test role owns it). */
  url: string;
  name: string;
  /** Drops it (closing any connection still open to it). */
  drop(): Promise<void>;
}

async function asAdmin<T>(base: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** CREATE DATABASE t_<random> as the test role. */
export async function createTestDatabase(base = testDatabaseUrl()): Promise<TestDatabase> {
  if (!base) throw new Error("createTestDatabase: TEST_DATABASE_URL is not set");
  const name = `t_${randomBytes(8).toString("hex")}`;
  await asAdmin(base, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await asAdmin(base, async (c) => {
        // A plain DROP ends an autovacuum worker on the database itself (FORCE would need the right to
        // signal it); connections a closed pool is still ending get a moment, then FORCE ends them.
        for (let attempt = 0; ; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name}`);
            return;
          } catch (err) {
            if ((err as { code?: string }).code !== "55006" || attempt >= 10) break;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
    },
  };
}

export interface TestStore {
  /** Spread into a ServiceConfig: where the service keeps its store, and (on PostgreSQL) the VAPID pair every instance must share. */
  config: Pick<ServiceConfig, "dataDir" | "databaseUrl" | "vapid">;
  /** Drops the PostgreSQL database (PGlite's folder is the caller's). */
  close(): Promise<void>;
}

/**
 * Store settings for one service under test: PGlite at `dataDir`, or a fresh
 * PostgreSQL database with a generated VAPID pair when TEST_DATABASE_URL is
 * set (`dataDir` then only holds what the service keeps beside its store).
 */
export async function createTestStore(dataDir: string, vapid: Partial<ServiceConfig["vapid"]> = {}): Promise<TestStore> {
  const subject = vapid.subject ?? "mailto:notifications@localhost";
  if (!testDatabaseUrl()) {
    return {
      config: { dataDir, databaseUrl: undefined, vapid: { publicKey: vapid.publicKey, privateKey: vapid.privateKey, subject } },
      close: async () => {},
    };
  }
  const db = await createTestDatabase();
  const keys = vapid.publicKey && vapid.privateKey ? { publicKey: vapid.publicKey, privateKey: vapid.privateKey } : webpush.generateVAPIDKeys();
  return {
    config: { dataDir, databaseUrl: db.url, vapid: { ...keys, subject } },
    close: () => db.drop(),
  };
}

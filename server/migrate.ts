// `npm run migrate`: the store's migrations and pg-boss's schema, then exit.
// The service migrates at start too; this is for a PostgreSQL deployment whose
// service role owns nothing (README, "Running on PostgreSQL"): run it with the
// owning role's DATABASE_URL before starting (or updating) the instances.
import { loadConfig } from "./config";
import { installPushQueue } from "./push/queue";
import { openStore } from "./store/store";

async function main(): Promise<void> {
  const config = loadConfig();
  const store = await openStore(config);
  try {
    await installPushQueue(store.db);
    const applied = store.appliedMigrations;
    console.log(
      `[migrate] ${store.location}: ${applied.length > 0 ? `applied migration(s) ${applied.join(", ")}` : "already up to date"}; the delivery queue is installed.`,
    );
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  console.error("[migrate] failed:", err instanceof Error ? err.message : err);
  process.exit(1);
});

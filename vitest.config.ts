import { defineConfig } from "vitest/config";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

/**
 * The suites that also run on PostgreSQL (`scripts/test-postgres.sh` sets
 * TEST_DATABASE_URL): the integration suites that drive the service over HTTP
 * or its store, chosen so every query module (notifications, endpoints,
 * support, push delivery and outbox, the demo seed, maintenance) runs on both
 * engines — the input-validation suites (bad-input, filter-sweep, tests/fuzz/) stop
 * before the database and stay on PGlite; tests/batch/, whose inner requests run
 * concurrently on the pool; and tests/postgres/, which needs
 * PostgreSQL itself (instances migrating at once, the app role's rights).
 */
export const POSTGRES_SUITES = [
  "tests/notifications/{counters,crud,conflict,isolation,opaque-versions,paging-delta-expiry,quota,review-inputs,stream}.test.ts",
  "tests/endpoints/subscriptions.test.ts",
  "tests/support/{support-access,deliveries,demo-story}.test.ts",
  "tests/push/{delivery,outbox,action-token-routes,workers}.test.ts",
  "tests/offline/replay.test.ts",
  "tests/batch/*.test.ts",
  "tests/postgres/**/*.test.ts",
];

const testDatabaseUrl = process.env.TEST_DATABASE_URL || "";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./", import.meta.url)) } },
  test: {
    environment: "node",
    // Integration suites start a real identity provider and service on loopback.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // At least two workers: Vitest's default (one fewer than the cores) is one on a 2-core machine, where
    // the suites mostly wait on their servers and databases. There, both engines' 2,089 tests took 434 s
    // on one worker and 244 s on two.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: "pglite",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/postgres/**"],
          // The embedded store, whatever the shell has set.
          env: { TEST_DATABASE_URL: "" },
        },
      },
      // Only when a PostgreSQL test role is configured; one `vitest run` then
      // runs both projects' files side by side on the same workers.
      ...(testDatabaseUrl
        ? [{ extends: true as const, test: { name: "postgres", include: POSTGRES_SUITES, env: { TEST_DATABASE_URL: testDatabaseUrl } } }]
        : []),
    ],
  },
});

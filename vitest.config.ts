import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./", import.meta.url)) } },
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
    // Integration suites start a real identity provider and service on loopback.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});

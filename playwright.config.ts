// End-to-end tests drive the real product the way a user starts it: `npm start`
// (build if needed, then the identity provider and the app), on a fresh data
// folder so every run begins on the demo seed. See e2e/fixtures/e2e-env.ts for
// the E2E_* overrides used to run next to other servers.
import { defineConfig, devices } from "@playwright/test";
import { appOrigin, appPort, dataDir, productEnv, repoRoot } from "./e2e/fixtures/e2e-env";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./testing/chromium";


export default defineConfig({
  testDir: "./e2e",
  testMatch: "*.spec.ts",
  // Playwright empties this folder at start: parallel runs need their own.
  outputDir: process.env.E2E_OUTPUT_DIR || "test-results",
  // Two cores shared by the app, the provider and the browser: one worker.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : [["list"]],
  globalSetup: "./e2e/fixtures/global-setup.ts",
  use: {
    baseURL: appOrigin,
    viewport: { width: 1280, height: 800 },
    colorScheme: "light",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1280, height: 800 },
        // Debian's chromium; Playwright's own browser download is not used here.
        launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
      },
    },
  ],
  webServer: {
    // The data folder is removed by the command itself (not by this file, which
    // every worker loads again while the server runs).
    command: `rm -rf '${dataDir}' && npm start`,
    cwd: repoRoot,
    env: productEnv(),
    url: `http://localhost:${appPort}/`,
    // A clean checkout builds first (~10–60 s here, more when the cores are busy).
    timeout: 240_000,
    reuseExistingServer: !process.env.CI,
    // Ctrl-C is how a user stops `npm start`; it must stop every process it started.
    gracefulShutdown: { signal: "SIGINT", timeout: 10_000 },
    // The server's log (build, sign-ins) in CI or on request; its errors always.
    stdout: process.env.CI || process.env.E2E_SERVER_LOG ? "pipe" : "ignore",
    stderr: "pipe",
  },
});

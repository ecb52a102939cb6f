import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import globals from "globals";

// The layers (docs/architecture.md, "Who may import what"). eslint-plugin-import's
// no-restricted-paths resolves every import (relative or "@/") to a file and
// refuses it when the importing file is in `target` and the imported one in `from`.
const BROWSER = ["./app", "./components", "./lib", "./sw"];
const TESTS_ONLY = ["./testing"];
/** Code that ships: only tests and benchmarks may import the test fixtures. */
const PRODUCT = [...BROWSER, "./server", "./idp", "./contracts", "./scripts", "./instrumentation.ts", "./proxy.ts"];

function layers({ mountPoint = false } = {}) {
  return [
    ...["./server", "./idp"].map((from) => ({
      target: BROWSER,
      from,
      // The /graph/[...path] route handler mounts the service, and /healthz and /readyz ask it: its entry module, nothing else of it.
      except: mountPoint && from === "./server" ? ["./index.ts"] : [],
      message: "Browser code (app/, components/, lib/, sw/) talks to the service over HTTP; share types through contracts/.",
    })),
    {
      target: ["./lib", "./sw"],
      from: ["./app", "./components"],
      message: "lib/ and sw/ hold logic the pages and components use: they never import a page or a component.",
    },
    {
      target: ["./instrumentation.ts"],
      from: "./server",
      except: ["./index.ts"],
      message: "instrumentation.ts starts the service through its entry module (server/index.ts) only.",
    },
    {
      target: ["./proxy.ts"],
      from: "./server",
      except: ["./http/graph-error.ts"],
      message: "proxy.ts answers in Graph's error format (server/http/graph-error.ts) and imports nothing else of the service.",
    },
    {
      target: ["./proxy.ts"],
      from: ["./lib", "./app", "./components", "./sw"],
      except: ["./security-headers.ts"],
      message: "proxy.ts sets the security headers of lib/security-headers.ts and imports nothing else of the app.",
    },
    {
      target: "./server",
      from: ["./lib", "./app", "./components", "./sw", "./idp"],
      message: "The service imports contracts/ and itself only (the identity provider is a development tool; the PWA is a client).",
    },
    {
      target: "./idp",
      from: ["./server", "./lib", "./app", "./components", "./sw"],
      message: "The local identity provider imports contracts/ and itself only.",
    },
    {
      target: "./contracts",
      from: ["./server", "./idp", "./lib", "./app", "./components", "./sw", "./testing", "./scripts"],
      message: "contracts/ is what the tiers share: it depends on none of them.",
    },
    {
      target: PRODUCT,
      from: TESTS_ONLY,
      message: "testing/ holds test fixtures: only tests (tests/, e2e/) and benchmarks (bench/) import it.",
    },
  ];
}

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", ".next-*/**", "node_modules/**", ".data/**", ".data-*/**", "test-results/**", "test-results-*/**", "playwright-report/**", "public/sw.js", "next-env.d.ts"],
  },
  {
    // The service worker runs in a ServiceWorkerGlobalScope, not a window.
    files: ["sw/**/*.ts"],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "import/no-restricted-paths": ["error", { zones: layers() }],
    },
  },
  {
    files: ["app/graph/*/route.ts", "app/healthz/route.ts", "app/readyz/route.ts"],
    rules: { "import/no-restricted-paths": ["error", { zones: layers({ mountPoint: true }) }] },
  },
  {
    // Pages never read the OS notifications themselves: a read while the worker shows one loses it
    // (NotificationsRequest in contracts/push-payload.ts); they ask the worker (lib/push/worker-notifications.ts).
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[property.name='getNotifications'], MemberExpression[property.value='getNotifications']",
          message: "Ask the service worker for its notifications (lib/push/worker-notifications.ts): a page's own read can lose one being shown.",
        },
      ],
    },
  },
  {
    // No runtime dependencies: contracts/ imports only contracts/.
    files: ["contracts/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: "^(?!\\./)", message: "contracts/ has no runtime dependencies: import only ./ siblings." }] }],
    },
  },
];

export default config;

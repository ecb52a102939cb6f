// The layers of docs/architecture.md are enforced by `npm run lint`, not by
// comments: each import that crosses a layer the wrong way is an error, and
// the allowed directions stay allowed.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const eslint = new ESLint({ cwd: root });

/** The layer rules' messages for `code` as if it were the file at `file` (relative to the repo root). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "import/no-restricted-paths" || m.ruleId === "no-restricted-imports")
    .map((m) => m.message);
}

describe("imports that cross a layer the wrong way fail lint", () => {
  it.each([
    ["lib/api/x.ts", 'export { getService } from "@/server/index";', /Browser code/],
    ["components/x.tsx", 'export { GraphError } from "@/server/http/graph-error";', /Browser code/],
    ["sw/x.ts", 'export { startIdp } from "../idp/index";', /Browser code/],
    ["app/settings/x.ts", 'export { startIdp } from "@/idp/index";', /Browser code/],
    ["server/x.ts", 'export { parseRetryAfter } from "../lib/api/errors";', /service imports contracts/],
    ["server/notifications/x.ts", 'export { startIdp } from "../../idp/index";', /service imports contracts/],
    ["idp/x.ts", 'export { startService } from "../server/index";', /identity provider/],
    ["contracts/x.ts", 'export { z } from "zod";', /no runtime dependencies/],
    ["contracts/x.ts", 'export { loadConfig } from "../server/config";', /contracts\/ is what the tiers share|no runtime dependencies/],
    ["lib/x.ts", 'export { users } from "@/testing/users";', /testing\/ holds test fixtures/],
    ["lib/hooks/x.ts", 'export { NotificationItem } from "@/components/notification-item";', /never import a page or a component/],
    ["server/x.ts", 'export { users } from "../testing/users";', /testing\/ holds test fixtures/],
    ["scripts/x.ts", 'export { users } from "../testing/users";', /testing\/ holds test fixtures/],
    ["instrumentation.ts", 'export { GraphError } from "./server/http/graph-error";', /entry module/],
    ["proxy.ts", 'export { getService } from "./server/index";', /Graph's error format/],
    ["proxy.ts", 'export { buildRuntimeConfig } from "./lib/runtime-config";', /security headers of lib\/security-headers.ts/],
    ["app/graph/[...path]/route.ts", 'export { GraphError } from "@/server/http/graph-error";', /Browser code/],
    ["app/readyz/route.ts", 'export { readiness } from "@/server/health";', /Browser code/],
  ])("%s: %s", async (file, code, message) => {
    const errors = await layerErrors(file, code);
    expect(errors.length, `no layer error for ${code} in ${file}`).toBeGreaterThan(0);
    expect(errors.join("\n")).toMatch(message);
  });
});

describe("imports in the allowed directions pass", () => {
  it.each([
    ["app/graph/[...path]/route.ts", 'export { getService } from "@/server/index";'],
    ["app/healthz/route.ts", 'export { handleLiveness } from "@/server/index";'],
    ["app/readyz/route.ts", 'export { handleReadiness } from "@/server/index";'],
    ["instrumentation.ts", 'export { getService } from "./server/index";'],
    ["proxy.ts", 'export { GraphError } from "./server/http/graph-error";'],
    ["proxy.ts", 'export { securityHeaders } from "./lib/security-headers";'],
    ["lib/x.ts", 'export type { Notification } from "@/contracts/notification";'],
    ["sw/x.ts", 'export { PUSH_KINDS } from "../contracts/push-payload";'],
    ["server/x.ts", 'export { USER_SCOPE } from "../contracts/identity";'],
    ["idp/x.ts", 'export { DEMO_USERS } from "../contracts/demo-users";'],
    ["contracts/x.ts", 'export type { Notification } from "./notification";'],
    ["tests/x.test.ts", 'export { users } from "../testing/users";'],
    ["bench/x.ts", 'export { startService } from "../server/index";'],
  ])("%s: %s", async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

describe("pages never read the OS notifications themselves (the worker does, in turn with its pushes)", () => {
  async function readErrors(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
    return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-syntax").map((m) => m.message);
  }

  it.each([
    ["lib/push/x.ts", "export const read = (r: ServiceWorkerRegistration) => r.getNotifications();"],
    ["components/x.tsx", "export const read = (r: ServiceWorkerRegistration) => r.getNotifications?.({ tag: 'a' });"],
    ["app/x/page.tsx", "export const read = (r: ServiceWorkerRegistration) => r['getNotifications']();"],
  ])("%s: %s fails lint", async (file, code) => {
    expect((await readErrors(file, code)).join("\n")).toMatch(/Ask the service worker/);
  });

  it("the worker itself may", async () => {
    expect(await readErrors("sw/x.ts", "export const read = (r: ServiceWorkerRegistration) => r.getNotifications();")).toEqual([]);
  });
});

// Stopping the product as a process manager does (`docker stop`, systemd): SIGTERM to `npm start`'s
// process. The app closes the notifications service before it exits (instrumentation.ts; `npm start`
// sets NEXT_MANUAL_SIG_HANDLE, so Next leaves the signal to it): an open live stream ends cleanly, so
// its client reconnects, and PGlite's folder is closed and unlocked. Before, Next exited at once and
// left the store open, its folder locked and push jobs cut off.
import { existsSync } from "node:fs";
import path from "node:path";
import { startSeededApp, type SeededApp } from "../testing/seeded-app";
import { userToken } from "../testing/tokens";
import { distDir, shutdownAppPort, shutdownDataDir, shutdownIdpPort } from "./fixtures/e2e-env";
import { expect, test, users } from "./fixtures/test";

let app: SeededApp;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  app = await startSeededApp({ port: shutdownAppPort, idpPort: shutdownIdpPort, dataDir: shutdownDataDir, distDir, seed: async () => undefined });
});

test.afterAll(async () => {
  await app?.close();
});

test("SIGTERM ends the live streams and closes the store before the app exits", async () => {
  test.setTimeout(120_000);
  const token = await userToken(app.issuer, users.adele.upn);
  const res = await fetch(`${app.origin}/graph/beta/me/notifications/stream`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("event: unreadCount")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the stream ended before its first event: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  // Read to the end: "ended" only if the server ended the response, not if the connection broke.
  const ending = (async () => {
    for (;;) if ((await reader.read()).done) return "ended";
  })().catch((err: unknown) => `broke: ${String((err as Error).cause ?? err)}`);
  const lock = path.join(app.dataDir, "pglite.lock");
  expect(existsSync(lock)).toBe(true);

  const code = await app.signal("SIGTERM");

  expect(await ending).toBe("ended");
  expect(app.output()).toContain("[service] SIGTERM: stopping");
  expect(app.output()).toContain("[service] stopped");
  expect(code).toBe(0);
  expect(existsSync(lock), "PGlite's folder is unlocked").toBe(false);
});

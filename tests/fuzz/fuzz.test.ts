// A seeded 5,000 of the API fuzzer's requests (requests.ts) on every `npm test`:
// the same seed, the same requests, so a failure replays exactly.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startStack, type Stack } from "../../testing/stack";
import { fuzz, fuzzTarget } from "./requests";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

test("5,000 generated requests: no 5xx, every error Graph's error JSON, nothing stored by a rejected write", async () => {
  const report = await fuzz(await fuzzTarget(stack), { requests: 5000, seed: 0x5eed1234 });
  // The run reached past authentication into validation and the handlers.
  for (const status of [200, 400, 401, 404]) expect(report.statuses.get(status) ?? 0).toBeGreaterThan(0);
}, 600_000);

// The pages' requests to the service worker for its OS notifications: the page side (askWorker) and the
// contract's validation of what the worker receives. The real worker answers in e2e/service-worker.spec.ts.
import { describe, expect, it } from "vitest";
import { parseNotificationsRequest } from "@/sw/push-decisions";
import { askWorker, type WorkerLike } from "@/lib/push/worker-notifications";
import { fakeNotificationsWorker } from "@/testing/fake-notifications-worker";

const A = "11111111-1111-4111-8111-111111111111";
const B = "22222222-2222-4222-8222-222222222222";

describe("askWorker", () => {
  it("lists the tags the worker shows, and closes those it names (only those)", async () => {
    const shown = [A, B].map((tag) => ({ tag, closed: false }));
    const worker = fakeNotificationsWorker(shown);
    expect(await askWorker(worker, { type: "list-notifications" })).toEqual([A, B]);
    expect(await askWorker(worker, { type: "close-notifications", tags: [B, "not-shown"] })).toEqual([B]);
    expect(shown).toEqual([
      { tag: A, closed: false },
      { tag: B, closed: true },
    ]);
    expect(await askWorker(worker, { type: "close-notifications", tags: "all" })).toEqual([A]);
    expect(await askWorker(worker, { type: "list-notifications" })).toEqual([]);
  });

  it("is undefined without a worker, when the worker does not answer in time, or answers something else", async () => {
    expect(await askWorker(null, { type: "list-notifications" })).toBeUndefined();
    expect(await askWorker(undefined, { type: "list-notifications" })).toBeUndefined();
    const silent = fakeNotificationsWorker([{ tag: A, closed: false }], { silent: true });
    const started = Date.now();
    expect(await askWorker(silent, { type: "list-notifications" }, 50)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(silent.requests).toEqual([{ type: "list-notifications" }]);
    const odd: WorkerLike = { postMessage: (_m, [port]) => (port as MessagePort).postMessage({ tags: [A, 7] }) };
    expect(await askWorker(odd, { type: "list-notifications" }, 1_000)).toBeUndefined();
    const throwing: WorkerLike = {
      postMessage: () => {
        throw new DOMException("The worker is redundant", "InvalidStateError");
      },
    };
    expect(await askWorker(throwing, { type: "list-notifications" }, 1_000)).toBeUndefined();
  });
});

describe("parseNotificationsRequest (what the worker accepts)", () => {
  it("takes the two requests, with tags as a list of strings or all", () => {
    expect(parseNotificationsRequest({ type: "list-notifications", extra: 1 })).toEqual({ type: "list-notifications" });
    expect(parseNotificationsRequest({ type: "close-notifications", tags: [A] })).toEqual({ type: "close-notifications", tags: [A] });
    expect(parseNotificationsRequest({ type: "close-notifications", tags: "all" })).toEqual({ type: "close-notifications", tags: "all" });
    expect(parseNotificationsRequest({ type: "close-notifications", tags: [] })).toEqual({ type: "close-notifications", tags: [] });
  });

  it("refuses anything else", () => {
    for (const data of [null, undefined, "list-notifications", 7, {}, { type: "SKIP_WAITING" }, { type: "close-notifications" }, { type: "close-notifications", tags: "some" }, { type: "close-notifications", tags: [A, 1] }]) {
      expect(parseNotificationsRequest(data), JSON.stringify(data)).toBeUndefined();
    }
  });
});

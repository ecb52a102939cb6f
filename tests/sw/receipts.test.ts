// The service worker's receipts (sw/receipts.ts): which receipts each push
// owes given what the worker decided (planPush) and what showing did, the POST
// it sends with the push's action token, what each answer does to it, and how
// it waits in the offline queue beside the notification actions.
import { describe, expect, it } from "vitest";
import { aPushView } from "@/testing/builders";
import type { PushKind, PushNotificationView, PushPayload } from "@/contracts/push-payload";
import { MAX_ACTION_ATTEMPTS, afterFailedAttempt, type PendingAction } from "@/sw/notification-actions";
import { planPush } from "@/sw/push-decisions";
import {
  isReceipt,
  queueKey,
  receiptRequest,
  receivedReceipt,
  sendReceipt,
  shownAfterReceived,
  shownHow,
  shownReceipt,
  type PendingReceipt,
} from "@/sw/receipts";

const ID = "3407d93c-77f7-4bc0-8fbf-46221a7bed72";
const AT = "2026-11-27T01:02:04.000Z";

function push(kind: PushKind, over: Partial<PushNotificationView> = {}, extra: Partial<PushPayload> = {}): PushPayload {
  return { v: 1, kind, notification: aPushView(ID, over), unreadCount: 3, actionToken: "tok", ...extra };
}

const elsewhere = { displayOnly: false, focusedWindow: false };
const focusedTab = { displayOnly: false, focusedWindow: true };
const apple = { displayOnly: true, focusedWindow: true };

describe("received", () => {
  it.each(["created", "updated"] as const)("is owed for a %s push with an action token, at the device's time", (kind) => {
    expect(receivedReceipt(push(kind), AT)).toEqual({ id: ID, actionToken: "tok", receipt: { outcome: "received", at: AT } });
  });

  it("is owed for a display push of an item already settled too (it arrived)", () => {
    expect(receivedReceipt(push("updated", { readState: "read" }), AT)?.receipt).toEqual({ outcome: "received", at: AT });
  });

  it("is not owed for state pushes, pushes without a token, or an unreadable payload", () => {
    expect(receivedReceipt(push("stateChanged", { readState: "read" }), AT)).toBeUndefined();
    expect(receivedReceipt(push("deleted", { status: "deleted" }), AT)).toBeUndefined();
    expect(receivedReceipt(push("created", {}, { actionToken: undefined }), AT)).toBeUndefined();
    expect(receivedReceipt(push("created", {}, { actionToken: "" }), AT)).toBeUndefined();
    expect(receivedReceipt(undefined, AT)).toBeUndefined();
  });
});

describe("shown: how, from the worker's plan and what showing did", () => {
  it("system: an OS notification of the item, once showNotification resolved", () => {
    const p = push("created");
    expect(shownHow(p, planPush(p, elsewhere), "shown")).toBe("system");
    expect(shownHow(p, planPush(p, apple), "shown")).toBe("system");
    expect(shownHow(push("updated"), planPush(push("updated"), elsewhere), "shown")).toBe("system");
  });

  it("error: showNotification threw", () => {
    const p = push("created");
    expect(shownHow(p, planPush(p, elsewhere), "showFailed")).toBe("error");
  });

  it("inPage: handed to a visible, focused tab that confirmed it", () => {
    const p = push("created");
    expect(shownHow(p, planPush(p, focusedTab), "inPage")).toBe("inPage");
  });

  it("system or error when the focused tab did not confirm and the OS notification was shown after all", () => {
    const p = push("created");
    const plan = planPush(p, focusedTab);
    expect(shownHow(p, plan, "shown")).toBe("system");
    expect(shownHow(p, plan, "showFailed")).toBe("error");
  });

  it.each([
    ["read", { readState: "read" as const }],
    ["dismissed", { userActionState: "dismissed" as const }],
    ["activated", { userActionState: "activated" as const }],
    ["snoozed", { userActionState: "snoozed" as const }],
    ["deleted", { status: "deleted" as const }],
  ])("suppressed: a display push of an item already %s is not shown", (_name, over) => {
    const p = push("updated", over);
    expect(shownHow(p, planPush(p, elsewhere), "notShown")).toBe("suppressed");
    expect(shownHow(p, planPush(p, focusedTab), "notShown")).toBe("suppressed");
  });

  it("suppressed on a display-only service too, though it showed the generic count instead (or failed to)", () => {
    const p = push("updated", { readState: "read" });
    const plan = planPush(p, apple);
    expect(plan.show).toBeDefined();
    expect(shownHow(p, plan, "shown")).toBe("suppressed");
    expect(shownHow(p, plan, "showFailed")).toBe("suppressed");
  });

  it("nothing for state pushes", () => {
    const p = push("stateChanged", { readState: "read" });
    expect(shownHow(p, planPush(p, elsewhere), "notShown")).toBeUndefined();
    expect(shownHow(p, planPush(p, apple), "shown")).toBeUndefined();
  });

  it("builds the receipt with how and the device's time; none without a token or a payload", () => {
    const p = push("created");
    const plan = planPush(p, elsewhere);
    expect(shownReceipt(p, plan, "shown", AT)).toEqual({ id: ID, actionToken: "tok", receipt: { outcome: "shown", how: "system", at: AT } });
    expect(shownReceipt(push("created", {}, { actionToken: undefined }), plan, "shown", AT)).toBeUndefined();
    expect(shownReceipt(undefined, plan, "shown", AT)).toBeUndefined();
    const state = push("deleted", { status: "deleted" }, { actionToken: "tok" });
    expect(shownReceipt(state, planPush(state, elsewhere), "notShown", AT)).toBeUndefined();
  });
});

describe("shown after received", () => {
  it("is sent when received was sent (or none was owed), queued unsent when received failed, skipped when it was refused", () => {
    expect(shownAfterReceived("done")).toBe("send");
    expect(shownAfterReceived(undefined)).toBe("send");
    expect(shownAfterReceived("retry")).toBe("queue");
    expect(shownAfterReceived("drop")).toBe("skip");
  });
});

const shown: PendingReceipt = { id: ID, actionToken: "the-token", receipt: { outcome: "shown", how: "inPage", at: AT } };

function fakeFetch(answer: number | Error) {
  const calls: { url: string; init: RequestInit }[] = [];
  return {
    calls,
    fetch: async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      if (answer instanceof Error) throw answer;
      return new Response(null, { status: answer });
    },
  };
}

describe("sendReceipt", () => {
  it("POSTs the receipt to the notification's receipts with the action token, and nothing else", async () => {
    const f = fakeFetch(204);
    expect(await sendReceipt(shown, { fetch: f.fetch, apiBase: async () => "http://localhost:3000/graph/beta" })).toBe("done");
    expect(f.calls).toHaveLength(1);
    const { url, init } = f.calls[0]!;
    expect(url).toBe(`http://localhost:3000/graph/beta/me/notifications/${ID}/receipts`);
    expect(init.method).toBe("POST");
    expect(init.headers).toEqual({ Authorization: "Bearer the-token", "Content-Type": "application/json" });
    expect(JSON.parse(init.body as string)).toEqual({ outcome: "shown", how: "inPage", at: AT });
    expect(init.credentials).toBe("omit");
  });

  it("sends received without how", async () => {
    const f = fakeFetch(204);
    const received = receivedReceipt(push("created"), AT)!;
    await sendReceipt(received, { fetch: f.fetch, apiBase: async () => "http://x" });
    expect(JSON.parse(f.calls[0]!.init.body as string)).toEqual({ outcome: "received", at: AT });
  });

  it("keeps it for a retry when the network fails, the request times out or the config cannot be read", async () => {
    expect(await sendReceipt(shown, { fetch: fakeFetch(new TypeError("Failed to fetch")).fetch, apiBase: async () => "http://x" })).toBe("retry");
    expect(await sendReceipt(shown, { fetch: fakeFetch(new DOMException("signal timed out", "TimeoutError")).fetch, apiBase: async () => "http://x" })).toBe(
      "retry",
    );
    const f = fakeFetch(204);
    const offline = async (): Promise<string> => {
      throw new TypeError("Failed to fetch");
    };
    expect(await sendReceipt(shown, { fetch: f.fetch, apiBase: offline })).toBe("retry");
    expect(f.calls).toHaveLength(0);
  });

  it("retries on 408, 429 and 5xx", async () => {
    for (const status of [408, 429, 500, 503]) {
      expect(await sendReceipt(shown, { fetch: fakeFetch(status).fetch, apiBase: async () => "http://x" })).toBe("retry");
    }
  });

  it("drops it on any other 4xx: 401 is a dead token (endpoint removed, signed out), never retried", async () => {
    for (const status of [400, 401, 403, 404, 409, 413, 422]) {
      const f = fakeFetch(status);
      expect(await sendReceipt(shown, { fetch: f.fetch, apiBase: async () => "http://x" })).toBe("drop");
      expect(f.calls).toHaveLength(1);
    }
  });

  it("sends the device's time as it is, once, even when it runs ahead (the service takes a future `at` as its own time)", async () => {
    const f = fakeFetch(204);
    const ahead: PendingReceipt = { ...shown, receipt: { ...shown.receipt, at: new Date(Date.now() + 3_600_000).toISOString() } };
    expect(await sendReceipt(ahead, { fetch: f.fetch, apiBase: async () => "http://x" })).toBe("done");
    expect(f.calls).toHaveLength(1);
    expect(JSON.parse(f.calls[0]!.init.body as string)).toEqual(ahead.receipt);
  });

  it("escapes the id in the URL", () => {
    expect(receiptRequest("http://x/graph/beta", { ...shown, id: "a/b" }).url).toBe("http://x/graph/beta/me/notifications/a%2Fb/receipts");
  });
});

describe("the offline queue: receipts beside the actions", () => {
  const action: PendingAction = { id: ID, action: "mark-read", actionToken: "tok", actionTime: "2026-11-27T01:02:05.000Z" };
  const received = receivedReceipt(push("created"), AT)!;
  const shownLater = shownReceipt(push("created"), planPush(push("created"), elsewhere), "shown", "2026-11-27T01:02:04.500Z")!;

  it("tells receipts from actions, including actions queued before receipts existed", () => {
    expect(isReceipt(received)).toBe(true);
    expect(isReceipt(action)).toBe(false);
  });

  it("replays in the order things happened: received, shown, then the user's click", () => {
    const keys = [queueKey(action), queueKey(shownLater), queueKey(received)].sort();
    expect(keys).toEqual([queueKey(received), queueKey(shownLater), queueKey(action)]);
  });

  it("keeps the actions' key as it was (entries already queued stay readable and removable)", () => {
    expect(queueKey(action)).toBe(`${action.actionTime}|${ID}|mark-read`);
  });

  it("keeps one entry per notification and outcome: queueing a receipt again replaces it", () => {
    expect(queueKey({ ...received, attempts: 4 })).toBe(queueKey(received));
    expect(queueKey(received)).not.toBe(queueKey({ ...received, receipt: { outcome: "shown", how: "system", at: AT } }));
  });

  it("gives a receipt the same bounded number of sends as an action", () => {
    // Queued after its first failed send (attempts: 1), then replayed on every push, sync and activate.
    let queued: PendingReceipt | undefined = { ...received, attempts: 1 };
    let replays = 0;
    while (queued && replays < 1000) {
      replays++;
      queued = afterFailedAttempt(queued);
    }
    expect(1 + replays).toBe(MAX_ACTION_ATTEMPTS);
    expect(afterFailedAttempt(received)).toEqual({ ...received, attempts: 1 });
  });
});

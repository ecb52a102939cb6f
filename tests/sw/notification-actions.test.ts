// One notification action from the service worker: the request it sends with
// the action token, and what happens to it on each kind of answer.
import { describe, expect, it } from "vitest";
import { MAX_ACTION_ATTEMPTS, actionRequest, afterFailedAttempt, sendAction, type PendingAction } from "@/sw/notification-actions";

const entry: PendingAction = {
  id: "3407d93c-77f7-4bc0-8fbf-46221a7bed72",
  action: "mark-read",
  actionToken: "the-token",
  actionTime: "2026-11-27T01:02:03.000Z",
};

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

describe("sendAction", () => {
  it("PATCHes the one notification with the action token, the body and the time the user acted", async () => {
    const f = fakeFetch(200);
    expect(await sendAction(entry, { fetch: f.fetch, apiBase: async () => "http://localhost:3000/graph/beta" })).toBe("done");
    expect(f.calls).toHaveLength(1);
    const { url, init } = f.calls[0]!;
    expect(url).toBe(`http://localhost:3000/graph/beta/me/notifications/${entry.id}`);
    expect(init.method).toBe("PATCH");
    expect(init.headers).toEqual({
      Authorization: "Bearer the-token",
      "Content-Type": "application/json",
      "X-Action-Time": entry.actionTime,
    });
    expect(JSON.parse(init.body as string)).toEqual({ readState: "read" });
    expect(init.credentials).toBe("omit");
  });

  it("keeps the action for a retry when the network fails or the config cannot be read", async () => {
    expect(await sendAction(entry, { fetch: fakeFetch(new TypeError("Failed to fetch")).fetch, apiBase: async () => "http://x" })).toBe("retry");
    const f = fakeFetch(200);
    const offline = async (): Promise<string> => {
      throw new TypeError("Failed to fetch");
    };
    expect(await sendAction(entry, { fetch: f.fetch, apiBase: offline })).toBe("retry");
    expect(f.calls).toHaveLength(0);
  });

  it("drops the action when the token expired or the item is gone", async () => {
    for (const status of [401, 403, 404]) {
      expect(await sendAction(entry, { fetch: fakeFetch(status).fetch, apiBase: async () => "http://x" })).toBe("drop");
    }
  });

  it("retries on 429 and 5xx", async () => {
    for (const status of [429, 500, 503]) {
      expect(await sendAction(entry, { fetch: fakeFetch(status).fetch, apiBase: async () => "http://x" })).toBe("retry");
    }
  });

  it("escapes the id in the URL", () => {
    expect(actionRequest("http://x/graph/beta", { ...entry, id: "a/b" }).url).toBe("http://x/graph/beta/me/notifications/a%2Fb");
  });
});

describe("afterFailedAttempt", () => {
  it("keeps a queued action for a bounded number of sends, then gives it up", async () => {
    // The worker queues an action after its first failed send (attempts: 1), then replays it on every
    // push, sync and activate against a service that keeps answering 503.
    const f = fakeFetch(503);
    let queued: PendingAction | undefined = { ...entry, attempts: 1 };
    let replays = 0;
    while (queued && replays < 1000) {
      replays++;
      expect(await sendAction(queued, { fetch: f.fetch, apiBase: async () => "http://x" })).toBe("retry");
      queued = afterFailedAttempt(queued);
    }
    expect(queued).toBeUndefined();
    expect(1 + replays).toBe(MAX_ACTION_ATTEMPTS);
    expect(f.calls).toHaveLength(MAX_ACTION_ATTEMPTS - 1);
  });

  it("counts the attempts and keeps what the replay needs", () => {
    expect(afterFailedAttempt(entry)).toEqual({ ...entry, attempts: 1 });
    expect(afterFailedAttempt({ ...entry, attempts: MAX_ACTION_ATTEMPTS - 2 })).toEqual({ ...entry, attempts: MAX_ACTION_ATTEMPTS - 1 });
    expect(afterFailedAttempt({ ...entry, attempts: MAX_ACTION_ATTEMPTS - 1 })).toBeUndefined();
  });
});

describe("a device clock running ahead of the service's", () => {
  it("resends a refused action once, stamped with the service's time from the refusal", async () => {
    const calls: RequestInit[] = [];
    const serverNow = "Fri, 27 Nov 2026 01:01:00 GMT"; // a minute before the device's stamp
    const fetch = async (_url: string, init: RequestInit) => {
      calls.push(init);
      const stamp = (init.headers as Record<string, string>)["X-Action-Time"]!;
      const future = Date.parse(stamp) > Date.parse(serverNow);
      return new Response(null, { status: future ? 400 : 200, headers: { Date: serverNow } });
    };
    expect(await sendAction(entry, { fetch, apiBase: async () => "http://x" })).toBe("done");
    expect(calls.map((c) => (c.headers as Record<string, string>)["X-Action-Time"])).toEqual([
      entry.actionTime,
      "2026-11-27T01:01:00.000Z",
    ]);
  });

  it("drops a 400 with another cause without resending", async () => {
    const f = fakeFetch(400);
    expect(await sendAction({ ...entry, actionTime: "2020-01-01T00:00:00.000Z" }, { fetch: f.fetch, apiBase: async () => "http://x" })).toBe("drop");
    expect(f.calls).toHaveLength(1);
  });
});

import { describe, expect, it } from "vitest";
import { SignInRequiredError } from "@/lib/auth/token";
import { backoffCeiling, backoffDelay } from "@/lib/live/backoff";
import { startLiveConnection, type LiveConnectionOptions } from "@/lib/live/live-connection";
import type { StreamEvent } from "@/lib/live/live-messages";
import { aNotification } from "@/testing/builders";

function sse(text: string, status = 200): Response {
  return new Response(text, { status, headers: { "content-type": status === 200 ? "text/event-stream; charset=utf-8" : "application/json" } });
}

const opening = 'retry: 3000\n\nid: p1\nevent: unreadCount\ndata: {"unreadCount":2}\n\n';

/** A connection over scripted answers; stops itself once they run out. */
function harness(answers: (() => Response | Promise<Response>)[], extra: Partial<LiveConnectionOptions> = {}) {
  const events: StreamEvent[] = [];
  const delays: number[] = [];
  const tokens: boolean[] = [];
  const requests: { lastEventId: string | null; auth: string | null }[] = [];
  let lastEventId: string | undefined;
  const connection = startLiveConnection({
    url: "http://service.test/graph/beta/me/notifications/stream",
    getToken: async (force) => {
      tokens.push(force);
      return force ? "fresh" : "cached";
    },
    onEvent: (e) => {
      events.push(e);
      if ("eventId" in e && e.eventId) lastEventId = e.eventId;
    },
    lastEventId: () => lastEventId,
    fetch: async (_url, init) => {
      const headers = new Headers(init?.headers);
      requests.push({ lastEventId: headers.get("last-event-id"), auth: headers.get("authorization") });
      const next = answers.shift();
      if (!next) {
        connection.stop();
        throw new TypeError("no more answers");
      }
      return next();
    },
    random: () => 0.999,
    sleep: async (ms) => void delays.push(ms),
    isOnline: () => true,
    ...extra,
  });
  return { connection, events, delays, tokens, requests };
}

describe("reconnect backoff", () => {
  it("doubles its ceiling from 1 s and stops at 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10, 100].map((n) => backoffCeiling(n))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it.each([0, 0.5, 0.999])("is a full jitter: anywhere between 0 and the ceiling (random %s)", (r) => {
    expect(backoffDelay(3, undefined, () => r)).toBe(Math.floor(r * 8000));
  });

  it("backs off further after each failed attempt and starts over once a stream delivered events", async () => {
    const down = () => {
      throw new TypeError("connection refused");
    };
    const h = harness([down, down, down, () => sse(opening), down]);
    await h.connection.done;
    expect(h.delays).toEqual([999, 1998, 3996, 999, 1998]);
  });
});

describe("the live connection", () => {
  it("parses changed, removed and count events and resumes from the last id it saw", async () => {
    const item = aNotification("n1", { readState: "read" });
    const h = harness([
      () => sse(`${opening}id: p2\nevent: changed\ndata: ${JSON.stringify(item)}\n\n: heartbeat\n\nid: p3\nevent: changed\ndata: {"id":"n2","@removed":{"reason":"deleted"}}\n\n`),
      () => sse(opening),
    ]);
    await h.connection.done;
    expect(h.events).toEqual([
      { type: "unreadCount", count: 2, eventId: "p1" },
      { type: "change", change: { kind: "changed", item }, eventId: "p2" },
      { type: "change", change: { kind: "removed", id: "n2" }, eventId: "p3" },
      { type: "unreadCount", count: 2, eventId: "p1" },
    ]);
    expect(h.requests.map((r) => r.lastEventId)).toEqual([null, "p3", "p1"]);
  });

  it("renews the token once after a 401 and retries at once, before any backoff", async () => {
    const h = harness([() => sse("{}", 401), () => sse(opening)]);
    await h.connection.done;
    expect(h.tokens.slice(0, 2)).toEqual([false, true]);
    expect(h.requests.slice(0, 2).map((r) => r.auth)).toEqual(["Bearer cached", "Bearer fresh"]);
    // The first delay is the one after the stream ended, not one between the 401 and its retry.
    expect(h.delays[0]).toBe(999);
  });

  it("backs off when the renewed token is refused too", async () => {
    const h = harness([() => sse("{}", 401), () => sse("{}", 401)]);
    await h.connection.done;
    expect(h.tokens.slice(0, 2)).toEqual([false, true]);
    expect(h.delays[0]).toBe(999);
  });

  it("stops, without signing in, when no token can be had silently", async () => {
    const h = harness([() => sse(opening)], {
      getToken: async () => {
        throw new SignInRequiredError();
      },
    });
    await h.connection.done;
    expect(h.requests).toEqual([]);
    expect(h.delays).toEqual([]);
  });

  it("offline, waits for the browser to be online instead of retrying", async () => {
    let online = false;
    let waited = 0;
    const h = harness([() => sse(opening)], {
      isOnline: () => online,
      waitOnline: async () => {
        waited++;
        online = true;
      },
    });
    await h.connection.done;
    expect(waited).toBe(1);
    expect(h.requests).toHaveLength(2);
  });

  it("reports each open, saying which are reconnections", async () => {
    const opens: boolean[] = [];
    const h = harness([() => sse(opening), () => sse(opening)], { onOpen: ({ reconnect }) => opens.push(reconnect) });
    await h.connection.done;
    expect(opens).toEqual([false, true]);
  });
});

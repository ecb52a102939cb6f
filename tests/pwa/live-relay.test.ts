import { describe, expect, it } from "vitest";
import { createDeltaCatchUp } from "@/lib/live/delta-catch-up";
import { createBatcher, parseStreamEvent, type LiveMessage } from "@/lib/live/live-messages";
import { holdStreamWhileVisible, listenToRelay, parseRelayMessage, relayEnvelope, type ChannelLike, type LockManagerLike } from "@/lib/live/stream-leader";
import { ApiError } from "@/lib/api/errors";
import type { DeltaPage } from "@/lib/api/client";
import { aNotification } from "@/testing/builders";

const tick = () => new Promise((r) => setTimeout(r, 0));

/** Web Locks as the browser does them for one lock name: one holder, waiters in order, abortable waits. */
function fakeLocks(): LockManagerLike & { holder: () => string | undefined } {
  let held: string | undefined;
  const queue: { owner: string; grant: () => void }[] = [];
  let nextOwner = 0;
  const grantNext = () => {
    const next = queue.shift();
    next?.grant();
  };
  return {
    holder: () => held,
    request(_name, { signal }, callback) {
      const owner = `req${nextOwner++}`;
      return new Promise((resolve, reject) => {
        const entry = {
          owner,
          grant: () => {
            held = owner;
            void callback(null).then(() => {
              held = undefined;
              resolve(undefined);
              grantNext();
            });
          },
        };
        signal?.addEventListener("abort", () => {
          const at = queue.indexOf(entry);
          if (at >= 0) {
            queue.splice(at, 1);
            reject(new DOMException("aborted", "AbortError"));
          }
        });
        if (held === undefined && queue.length === 0) entry.grant();
        else queue.push(entry);
      });
    },
  };
}

function fakeTab(locks: LockManagerLike | undefined, name: string, streams: string[]) {
  let visible = true;
  const listeners = new Set<() => void>();
  const dispose = holdStreamWhileVisible({
    lockName: "inbox-live:u1",
    locks,
    visibility: { isVisible: () => visible, subscribe: (f) => (listeners.add(f), () => listeners.delete(f)) },
    lead: () => {
      streams.push(`${name} opens`);
      return () => streams.push(`${name} closes`);
    },
  });
  return {
    setVisible(v: boolean) {
      visible = v;
      for (const f of listeners) f();
    },
    dispose,
  };
}

describe("one stream per browser", () => {
  it("the first visible tab holds the stream; the next takes over when it is hidden, and hands back when it closes", async () => {
    const locks = fakeLocks();
    const streams: string[] = [];
    const a = fakeTab(locks, "A", streams);
    const b = fakeTab(locks, "B", streams);
    await tick();
    expect(streams).toEqual(["A opens"]);
    a.setVisible(false);
    await tick();
    expect(streams).toEqual(["A opens", "A closes", "B opens"]);
    a.setVisible(true);
    await tick();
    b.dispose();
    await tick();
    expect(streams).toEqual(["A opens", "A closes", "B opens", "B closes", "A opens"]);
    a.dispose();
  });

  it("no visible tab, no stream: a hidden tab stops waiting for the lock", async () => {
    const locks = fakeLocks();
    const streams: string[] = [];
    const a = fakeTab(locks, "A", streams);
    const b = fakeTab(locks, "B", streams);
    b.setVisible(false);
    a.setVisible(false);
    await tick();
    expect(streams).toEqual(["A opens", "A closes"]);
    expect(locks.holder()).toBeUndefined();
    b.setVisible(true);
    await tick();
    expect(streams).toEqual(["A opens", "A closes", "B opens"]);
    a.dispose();
    b.dispose();
  });

  it("without Web Locks, every visible tab holds its own stream", () => {
    const streams: string[] = [];
    const a = fakeTab(undefined, "A", streams);
    const b = fakeTab(undefined, "B", streams);
    a.setVisible(false);
    expect(streams).toEqual(["A opens", "B opens", "A closes"]);
    a.dispose();
    b.dispose();
  });
});

describe("relay messages", () => {
  const item = aNotification("n1", { readState: "read" });
  const batch: LiveMessage = { type: "batch", changes: [{ kind: "changed", item }, { kind: "removed", id: "n2" }], unreadCount: 3, lastEventId: "p9" };

  it("a batch relayed for this user arrives as sent", () => {
    expect(parseRelayMessage(relayEnvelope("u1", batch), "u1")).toEqual(batch);
    expect(parseRelayMessage(relayEnvelope("u1", { type: "catchUp", reason: "resync" }), "u1")).toEqual({ type: "catchUp", reason: "resync" });
  });

  it.each([
    ["another user's", relayEnvelope("u2", batch)],
    ["another version's", { ...relayEnvelope("u1", batch), v: 2 }],
    ["a malformed item's", relayEnvelope("u1", { type: "batch", changes: [{ kind: "changed", item: { id: "x" } }] } as unknown as LiveMessage)],
    ["a negative count's", relayEnvelope("u1", { ...batch, unreadCount: -1 })],
    ["an unknown kind's", relayEnvelope("u1", { type: "reload" } as unknown as LiveMessage)],
    ["nothing's", null],
  ])("%s message is ignored", (_what, data) => {
    expect(parseRelayMessage(data, "u1")).toBeUndefined();
  });

  it("a listener on a channel hears the checked messages only, until it stops", () => {
    const listeners = new Set<(e: { data: unknown }) => void>();
    const channel: ChannelLike = {
      postMessage: (data) => listeners.forEach((l) => l({ data })),
      addEventListener: (_t, l) => listeners.add(l),
      removeEventListener: (_t, l) => listeners.delete(l),
      close: () => listeners.clear(),
    };
    const heard: LiveMessage[] = [];
    const stop = listenToRelay(channel, "u1", (m) => heard.push(m));
    channel.postMessage(relayEnvelope("u1", batch));
    channel.postMessage(relayEnvelope("u2", batch));
    stop();
    channel.postMessage(relayEnvelope("u1", batch));
    expect(heard).toEqual([batch]);
  });
});

describe("batching a stream's events", () => {
  it("groups changes up to the service's count into one message carrying the last position", () => {
    const out: LiveMessage[] = [];
    const batcher = createBatcher((m) => out.push(m));
    const item = aNotification("n1");
    batcher.push(parseStreamEvent({ event: "changed", id: "p1", data: JSON.stringify(item) })!);
    batcher.push(parseStreamEvent({ event: "changed", id: "p2", data: '{"id":"n2","@removed":{"reason":"deleted"}}' })!);
    expect(out).toEqual([]);
    batcher.push(parseStreamEvent({ event: "unreadCount", id: "p3", data: '{"unreadCount":0}' })!);
    expect(out).toEqual([{ type: "batch", changes: [{ kind: "changed", item }, { kind: "removed", id: "n2" }], unreadCount: 0, lastEventId: "p3" }]);
  });

  it("a resync asks for a catch-up with delta", () => {
    const out: LiveMessage[] = [];
    createBatcher((m) => out.push(m)).push(parseStreamEvent({ event: "resync", data: '{"reason":"too old"}' })!);
    expect(out).toEqual([{ type: "catchUp", reason: "resync" }]);
  });

  it.each([
    ["unknown event", { event: "hello", data: "{}" }],
    ["data that is not JSON", { event: "changed", data: "nope" }],
    ["an item without its fields", { event: "changed", data: '{"id":"n1"}' }],
    ["a count that is not a count", { event: "unreadCount", data: '{"unreadCount":"3"}' }],
  ])("ignores %s", (_what, message) => {
    expect(parseStreamEvent(message)).toBeUndefined();
  });
});

describe("delta catch-up", () => {
  function source(pages: Record<string, DeltaPage | ApiError>) {
    const asked: (string | undefined)[] = [];
    return {
      asked,
      async delta(link?: string) {
        asked.push(link);
        const answer = pages[link ?? "first"];
        if (!answer) throw new Error(`unexpected ${link}`);
        if (answer instanceof ApiError) throw answer;
        return answer;
      },
    };
  }

  it("a first round pages through and keeps the deltaLink; the next catch-up asks only for changes", async () => {
    const src = source({
      first: { value: [aNotification("a")], "@odata.nextLink": "p2" },
      p2: { value: [aNotification("b")], "@odata.deltaLink": "d1" },
      d1: { value: [{ id: "a", "@removed": { reason: "deleted" } }], "@odata.deltaLink": "d2" },
    });
    const heard: [string[], boolean][] = [];
    const links = new Map<string, string>();
    const sync = createDeltaCatchUp({ userKey: "u1", source: src, links, onChanges: (c, { initial }) => heard.push([c.map((x) => x.kind), initial]) });
    await sync.catchUp();
    expect(links.get("u1")).toBe("d1");
    await sync.catchUp();
    expect(src.asked).toEqual([undefined, "p2", "d1"]);
    expect(heard).toEqual([[["changed"], true], [["changed"], true], [["removed"], false]]);
    expect(links.get("u1")).toBe("d2");
  });

  it("a link past the history window (410) starts a first round again", async () => {
    const src = source({ old: new ApiError(410, "resyncRequired", "expired", undefined, undefined), first: { value: [], "@odata.deltaLink": "d1" } });
    const links = new Map([["u1", "old"]]);
    await createDeltaCatchUp({ userKey: "u1", source: src, links, onChanges: () => {} }).catchUp();
    expect(src.asked).toEqual(["old", undefined]);
    expect(links.get("u1")).toBe("d1");
  });

  it("catch-ups asked for while one runs become one more round, not one each", async () => {
    let calls = 0;
    const src = {
      async delta() {
        calls++;
        await tick();
        return { value: [], "@odata.deltaLink": "d" };
      },
    };
    const sync = createDeltaCatchUp({ userKey: "u1", source: src, links: new Map(), onChanges: () => {} });
    await Promise.all([sync.catchUp(), sync.catchUp(), sync.catchUp()]);
    expect(calls).toBe(2);
  });
});

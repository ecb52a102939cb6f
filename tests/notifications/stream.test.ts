// The live stream (contract: "The live stream"): GET /me/notifications/stream,
// Server-Sent Events read with fetch and a bearer token, over the real service.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../testing/stack";
import { openStream, type StreamEvent, type TestStream } from "../../testing/sse";
import { users } from "../../testing/users";
import { call, createForMe, expectGraphError, visualNotification, type Notification } from "../helpers/graph";

let stack: Stack;
let adele: string;
let megan: string;
let bruno: string;
const open: TestStream[] = [];

beforeAll(async () => {
  stack = await startStack({ service: { stream: { heartbeatMs: 300 } } });
  [adele, megan, bruno] = (await Promise.all([users.adele, users.megan, users.bruno].map((u) => stack.tokenFor(u.upn)))) as [string, string, string];
});

afterAll(async () => {
  for (const s of open) s.close();
  await stack?.close();
});

async function stream(token: string, lastEventId?: string): Promise<TestStream> {
  const s = await openStream(`${stack.baseUrl}/me/notifications/stream`, token, lastEventId);
  open.push(s);
  return s;
}

const changedOf = (id: string) => (e: StreamEvent) => e.event === "changed" && (e.data as { id?: string }).id === id;

describe("the stream", () => {
  it("opens with the unread count, then sends each change and the new count", async () => {
    const s = await stream(adele);
    expect(s.status).toBe(200);
    expect(s.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(s.headers.get("cache-control")).toContain("no-cache");
    const first = await s.next(() => true);
    expect(first).toMatchObject({ event: "unreadCount", data: { unreadCount: 0 } });
    expect(first.id).toMatch(/^[A-Za-z0-9_-]+$/);

    const n = await createForMe(stack, adele, visualNotification("live"));
    const created = await s.next(changedOf(n.id));
    expect(created.data).toMatchObject({ id: n.id, readState: "unread", payload: { visualContent: { title: "live" } } });
    await s.next((e) => e.event === "unreadCount" && (e.data as { unreadCount: number }).unreadCount === 1, { from: s.events.indexOf(created) });

    const from = s.events.length;
    const patched = await call<Notification>(stack, `/me/notifications/${n.id}`, { method: "PATCH", token: adele, json: { readState: "read" } });
    expect(patched.status).toBe(200);
    const read = await s.next(changedOf(n.id), { from, timeoutMs: 1000 });
    expect(read.data).toMatchObject({ readState: "read", "@odata.etag": patched.body["@odata.etag"] });

    const deleted = await call(stack, `/me/notifications/${n.id}`, { method: "DELETE", token: adele });
    expect(deleted.status).toBe(204);
    const removed = await s.next((e) => e.event === "changed" && (e.data as { "@removed"?: unknown })["@removed"] !== undefined, { from });
    expect(removed.data).toEqual({ id: n.id, "@removed": { reason: "deleted" } });
  });

  it("sends a heartbeat comment", async () => {
    const s = await stream(adele);
    await expect.poll(() => s.comments.length, { timeout: 3000 }).toBeGreaterThan(0);
    expect(s.comments[0]).toBe("heartbeat");
  });

  it("resumes exactly after Last-Event-ID: every change missed, once, in order", async () => {
    const s = await stream(megan);
    const a = await createForMe(stack, megan, visualNotification("a"));
    const seen = await s.next(changedOf(a.id));
    const count = await s.next((e) => e.event === "unreadCount", { from: s.events.indexOf(seen) });
    s.close();

    const b = await createForMe(stack, megan, visualNotification("b"));
    await call(stack, `/me/notifications/${a.id}`, { method: "PATCH", token: megan, json: { userActionState: "dismissed" } });
    await call(stack, `/me/notifications/${b.id}`, { method: "DELETE", token: megan });

    const resumed = await stream(megan, count.id);
    await resumed.next((e) => e.event === "unreadCount");
    const changes = resumed.events.filter((e) => e.event === "changed").map((e) => e.data as { id: string; userActionState?: string; "@removed"?: unknown });
    expect(changes.map((c) => [c.id, c.userActionState ?? "removed"])).toEqual([
      [a.id, "dismissed"],
      [b.id, "removed"],
    ]);
  });

  it("answers a position it cannot resume with resync", async () => {
    const s = await stream(bruno, "not-a-position");
    expect(await s.next(() => true)).toMatchObject({ event: "resync" });
    // A genuine position of another user's stream is not this stream's.
    const m = await stream(megan);
    const theirs = (await m.next((e) => e.event === "unreadCount")).id!;
    const b = await stream(bruno, theirs);
    expect(await b.next(() => true)).toMatchObject({ event: "resync" });
  });

  it("carries only the caller's own changes", async () => {
    const b = await stream(bruno);
    await b.next((e) => e.event === "unreadCount");
    const from = b.events.length;
    const n = await createForMe(stack, adele, visualNotification("Adele's only"));
    const own = await createForMe(stack, bruno, visualNotification("Bruno's"));
    await b.next(changedOf(own.id), { from });
    expect(b.events.some(changedOf(n.id))).toBe(false);
  });

  it("still sends changes after a time with no stream open (the hub rests while no one listens)", async () => {
    for (const s of open.splice(0)) s.close();
    await createForMe(stack, adele, visualNotification("while no one listens"));
    await new Promise((r) => setTimeout(r, 100));
    const s = await stream(adele);
    await s.next((e) => e.event === "unreadCount");
    const n = await createForMe(stack, adele, visualNotification("after the rest"));
    await s.next(changedOf(n.id), { timeoutMs: 2000 });
  });

  it("is refused without a user token", async () => {
    const app = await stack.appTokenFor();
    expectGraphError(await call(stack, "/me/notifications/stream", {}), 401, "unauthenticated");
    expectGraphError(await call(stack, "/me/notifications/stream", { token: app }), 403, "accessDenied");
    expectGraphError(await call(stack, "/me/notifications/stream?x=1", { token: adele }), 400, "invalidRequest");
    expectGraphError(await call(stack, "/me/notifications/stream", { method: "POST", token: adele, json: {} }), 405, "methodNotAllowed");
  });
});

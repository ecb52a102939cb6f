// An item's changes reach the service in the order they were made, and only the latest may write its
// answer back (lib/hooks/item-order.ts): the dismissal-then-Undo of a swipe, whichever answer is slow.
import { describe, expect, it } from "vitest";
import { createItemOrder } from "@/lib/hooks/item-order";
import { deferred } from "@/testing/deferred";

describe("createItemOrder", () => {
  it("sends a second change of an item only after the first was answered, and only the second is the latest", async () => {
    const inOrder = createItemOrder();
    const events: string[] = [];
    const first = deferred();
    const latest: Record<string, boolean> = {};
    const a = inOrder("n1", async (isLatest) => {
      events.push("dismiss sent");
      await first.promise;
      latest.dismiss = isLatest();
      events.push("dismiss answered");
    });
    const b = inOrder("n1", async (isLatest) => {
      events.push("undo sent");
      latest.undo = isLatest();
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events, "the undo waits for the dismissal's answer").toEqual(["dismiss sent"]);
    first.resolve();
    await Promise.all([a, b]);
    expect(events).toEqual(["dismiss sent", "dismiss answered", "undo sent"]);
    expect(latest).toEqual({ dismiss: false, undo: true });
  });

  it("a refused change does not stop the next one, and its error reaches its own caller", async () => {
    const inOrder = createItemOrder();
    const first = deferred();
    const a = inOrder("n1", () => first.promise);
    let sent = false;
    const b = inOrder("n1", async () => {
      sent = true;
    });
    first.reject(new Error("409"));
    await expect(a).rejects.toThrow("409");
    await b;
    expect(sent).toBe(true);
  });

  it("different items do not wait for each other", async () => {
    const inOrder = createItemOrder();
    const never = deferred();
    void inOrder("n1", () => never.promise);
    let other = false;
    await inOrder("n2", async () => {
      other = true;
    });
    expect(other).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { announceChange, listenToOtherTabs } from "@/lib/push/tab-sync";

describe("tab sync", () => {
  it("a change announced in one tab reaches a listener in another tab", async () => {
    const heard: number[] = [];
    // Two real BroadcastChannels of one name (Node has them): one per "tab".
    const stop = listenToOtherTabs(() => heard.push(Date.now()));
    announceChange();
    await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(heard).toHaveLength(1);
  });

  it("does nothing where BroadcastChannel is missing", () => {
    const stop = listenToOtherTabs(() => undefined, () => undefined);
    expect(() => announceChange(() => undefined)).not.toThrow();
    stop();
  });
});

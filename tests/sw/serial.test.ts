// The worker's serializers (sw/serial.ts): pushes handled in arrival order, and
// replays of the offline queue that never overlap (a sync, a push and
// activation can each ask for one at the same moment).
import { describe, expect, it } from "vitest";
import { coalesced, inOrder } from "@/sw/serial";
import { deferred, type Deferred } from "@/testing/deferred";

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("inOrder", () => {
  it("runs each task after the one before has ended, even when that one failed", async () => {
    const run = inOrder();
    const log: string[] = [];
    const first = deferred();
    const a = run(async () => {
      log.push("a start");
      await first.promise;
      log.push("a end");
      throw new Error("a failed");
    });
    const b = run(async () => void log.push("b"));
    await tick();
    expect(log).toEqual(["a start"]);
    first.resolve();
    await expect(a).rejects.toThrow("a failed");
    await b;
    expect(log).toEqual(["a start", "a end", "b"]);
  });
});

describe("coalesced", () => {
  it("never runs two at once, and the calls made during a run share one more run after it", async () => {
    let active = 0;
    let most = 0;
    const runs: Deferred<number>[] = [];
    const replay = coalesced(async () => {
      active++;
      most = Math.max(most, active);
      const d = deferred<number>();
      runs.push(d);
      try {
        return await d.promise;
      } finally {
        active--;
      }
    });

    const first = replay();
    const second = replay();
    const third = replay();
    await tick();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(3);
    expect(await first).toBe(3);
    await tick();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(0);
    expect(await second).toBe(0);
    expect(await third).toBe(0);
    expect(most).toBe(1);

    // Idle again: the next call starts at once.
    const fourth = replay();
    await tick();
    expect(runs).toHaveLength(3);
    runs[2]!.resolve(1);
    expect(await fourth).toBe(1);
  });

  it("a failed run fails only its own callers; the run after it still happens", async () => {
    const runs: Deferred<number>[] = [];
    const replay = coalesced(() => {
      const d = deferred<number>();
      runs.push(d);
      return d.promise;
    });
    const first = replay();
    const second = replay();
    runs[0]!.reject(new Error("offline"));
    await expect(first).rejects.toThrow("offline");
    await tick();
    runs[1]!.resolve(0);
    expect(await second).toBe(0);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createPendingDelete } from "@/lib/hooks/pending-delete";
import { takeOpenParam } from "@/lib/hooks/use-open-param";

describe("a delete's undo window", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function machine() {
    const changes: (string | null)[] = [];
    const commit = vi.fn();
    const pending = createPendingDelete<string>({ undoMs: 5000, onChange: (item) => changes.push(item) });
    return { pending, commit, changes };
  }

  it("sends the delete once the window closes, and not before", () => {
    const { pending, commit, changes } = machine();
    pending.start("a", commit);
    vi.advanceTimersByTime(4999);
    expect(commit).not.toHaveBeenCalled();
    expect(pending.current()).toBe("a");
    vi.advanceTimersByTime(1);
    expect(commit).toHaveBeenCalledExactlyOnceWith("a");
    expect(pending.current()).toBeUndefined();
    expect(changes).toEqual(["a", null]);
  });

  it("drops the delete on Undo, which returns the item, and never sends it", () => {
    const { pending, commit, changes } = machine();
    pending.start("a", commit);
    expect(pending.undo()).toBe("a");
    vi.advanceTimersByTime(10_000);
    expect(commit).not.toHaveBeenCalled();
    expect(changes).toEqual(["a", null]);
  });

  it("returns nothing on Undo when no delete waits", () => {
    const { pending } = machine();
    expect(pending.undo()).toBeUndefined();
  });

  it("sends the waiting delete at once when another delete begins", () => {
    const { pending, commit, changes } = machine();
    pending.start("a", commit);
    vi.advanceTimersByTime(1000);
    pending.start("b", commit);
    expect(commit).toHaveBeenCalledExactlyOnceWith("a");
    expect(pending.current()).toBe("b");
    expect(changes).toEqual(["a", null, "b"]);
    vi.advanceTimersByTime(5000);
    expect(commit).toHaveBeenLastCalledWith("b");
    expect(commit).toHaveBeenCalledTimes(2);
  });

  it("sends the waiting delete on a flush (the page being hidden), once", () => {
    const { pending, commit } = machine();
    pending.start("a", commit);
    pending.flush();
    vi.advanceTimersByTime(10_000);
    pending.flush();
    expect(commit).toHaveBeenCalledExactlyOnceWith("a");
  });
});

describe("the ?open= deep link", () => {
  it("gives the id to open and the URL without the parameter, keeping the others and the hash", () => {
    expect(takeOpenParam({ pathname: "/", search: "?view=unread&open=abc", hash: "#x" })).toEqual({ id: "abc", url: "/?view=unread#x" });
  });

  it("gives a URL without a question mark when open was the only parameter", () => {
    expect(takeOpenParam({ pathname: "/", search: "?open=abc", hash: "" })).toEqual({ id: "abc", url: "/" });
  });

  it.each(["", "?view=unread", "?open="])("asks to open nothing for %j", (search) => {
    expect(takeOpenParam({ pathname: "/", search, hash: "" })).toBeNull();
  });
});

// The pure parts of the native feel: what a drag means (swipe or scroll), the shortcut list the bindings
// and the help dialog share, the header's initials, and where "Go to" points.
import { describe, expect, it } from "vitest";
import { classifyDrag, swipeOutcome, SWIPE_COMMIT_PX } from "@/lib/hooks/use-swipe";
import { SHORTCUTS, shortcutBindings } from "@/lib/keyboard/shortcuts";
import { initials } from "@/components/account-menu";
import { appLink } from "@/components/notification-dialog";

describe("a touch drag on a row", () => {
  it("is nothing until it moves past the slop, a scroll when mostly vertical, a swipe when clearly sideways", () => {
    expect(classifyDrag(4, 3)).toBe("undecided");
    expect(classifyDrag(3, 40)).toBe("scroll");
    expect(classifyDrag(20, 18)).toBe("scroll"); // diagonal: the page scrolls, the row stays
    expect(classifyDrag(-30, 5)).toBe("swipe");
  });

  it("commits only past the threshold, in its direction", () => {
    expect(swipeOutcome(SWIPE_COMMIT_PX - 1)).toBeUndefined();
    expect(swipeOutcome(SWIPE_COMMIT_PX)).toBe("right");
    expect(swipeOutcome(-SWIPE_COMMIT_PX - 50)).toBe("left");
  });
});

describe("the keyboard shortcuts", () => {
  it("are each bound to keys no other shortcut uses, and each says what it does", () => {
    const bindings = SHORTCUTS.flatMap((s) => s.bindings);
    expect(new Set(bindings).size).toBe(bindings.length);
    expect(new Set(SHORTCUTS.map((s) => s.id)).size).toBe(SHORTCUTS.length);
    for (const s of SHORTCUTS) {
      expect(s.label, s.id).not.toBe("");
      expect(s.keys.length, s.id).toBeGreaterThan(0);
    }
  });

  it("bind only the shortcuts given a handler", () => {
    expect(Object.keys(shortcutBindings({ next: () => {}, help: () => {} })).sort()).toEqual(["[Shift]+?", "j"]);
  });

  it("include what the issue names: j/k, o, e, #, Shift+I/U, s, /, g i, g s, ?, and z for Undo", () => {
    expect(SHORTCUTS.map((s) => s.bindings.join(" | "))).toEqual(["j", "k", "o", "e", "[Shift]+#", "Shift+I", "Shift+U", "s", "/", "z", "g i", "g s", "[Shift]+?"]);
  });
});

describe("the header's account button", () => {
  it.each([
    ["Megan Bowen", "MB"],
    ["Sam  de la Support", "SS"],
    ["rui", "R"],
    ["Émilie Ølund", "ÉØ"],
    ["   ", "?"],
  ])("shows %j as %s", (name, expected) => expect(initials(name)).toBe(expected));
});

describe("where an opened notification points", () => {
  it("is its app's site when the target host is a plain host name", () => {
    expect(appLink("builds.contoso.com")).toBe("https://builds.contoso.com/");
    expect(appLink("Builds.Contoso.COM")).toBe("https://builds.contoso.com/");
  });

  it("is nowhere for anything else (no scheme, path, port, user info or script can ride along)", () => {
    for (const host of ["localhost", "javascript:alert(1)", "a.com/evil", "a.com:8080", "user@a.com", "-a.com", "a..com", "", "exa mple.com"]) {
      expect(appLink(host), host).toBeUndefined();
    }
  });
});

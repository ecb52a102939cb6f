import { describe, expect, it } from "vitest";
import { menuPlacement, nextMenuIndex } from "@/lib/hooks/menu-button";

describe("moving through a menu by key", () => {
  it.each([
    ["ArrowDown", 0, 1],
    ["ArrowDown", 2, 0],
    ["ArrowUp", 0, 2],
    ["ArrowUp", 2, 1],
    ["ArrowDown", -1, 0],
    ["ArrowUp", -1, 2],
    ["Home", 2, 0],
    ["End", 0, 2],
  ] as const)("%s from item %i goes to item %i of three (wrapping)", (key, from, to) => {
    expect(nextMenuIndex(key, from, 3)).toBe(to);
  });

  it("ignores other keys and an empty menu", () => {
    expect(nextMenuIndex("a", 0, 3)).toBeNull();
    expect(nextMenuIndex("ArrowDown", -1, 0)).toBeNull();
  });
});

describe("where a menu opens", () => {
  const viewport = { top: 0, left: 0, right: 390, bottom: 844 };
  const menu = { width: 240, height: 160 };

  it("opens below its button, right edges aligned, when there is room", () => {
    expect(menuPlacement({ top: 300, bottom: 344, left: 200, right: 374 }, menu, viewport)).toEqual({ vertical: "below", horizontal: "end", shift: 0 });
  });

  it("opens above a button near the bottom of the screen", () => {
    expect(menuPlacement({ top: 780, bottom: 824, left: 200, right: 374 }, menu, viewport)).toEqual({ vertical: "above", horizontal: "end", shift: 0 });
  });

  it("aligns left edges when aligning right edges would run off the left side (a phone's left column)", () => {
    expect(menuPlacement({ top: 300, bottom: 344, left: 16, right: 190 }, menu, viewport)).toEqual({ vertical: "below", horizontal: "start", shift: 0 });
  });

  it("shifts a menu that fits under neither edge back inside (a narrow dialog)", () => {
    const dialog = { top: 230, left: 20, right: 370, bottom: 614 };
    const place = menuPlacement({ top: 550, bottom: 594, left: 155, right: 262 }, { width: 260, height: 160 }, dialog);
    expect(place).toEqual({ vertical: "above", horizontal: "end", shift: 26 });
    // 262 - 260 + 26 = 28: the menu's left edge sits 8 px inside the dialog's (20).
  });

  it("stays below when neither side has room but below has more", () => {
    expect(menuPlacement({ top: 60, bottom: 104, left: 200, right: 374 }, menu, { ...viewport, bottom: 200 })).toMatchObject({ vertical: "below" });
  });
});

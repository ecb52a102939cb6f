// The people search's keyboard: arrows move between the field and the results, Tab is left alone.
import { describe, expect, it } from "vitest";
import { FIELD, moveFocus } from "@/lib/support/list-keys";

describe("moveFocus", () => {
  it.each([
    ["ArrowDown", FIELD, 3, 0],
    ["ArrowDown", 0, 3, 1],
    ["ArrowDown", 2, 3, 2],
    ["ArrowUp", 2, 3, 1],
    ["ArrowUp", 0, 3, FIELD],
    ["ArrowUp", FIELD, 3, FIELD],
    ["Home", 2, 3, 0],
    ["End", 0, 3, 2],
    ["Escape", 1, 3, FIELD],
  ])("%s from %i of %i → %i", (key, from, count, to) => {
    expect(moveFocus(key, from, count)).toBe(to);
  });

  it.each([
    ["Home in the field moves the caret", "Home", FIELD, 3],
    ["End in the field moves the caret", "End", FIELD, 3],
    ["Escape in the field clears it (the field's own)", "Escape", FIELD, 3],
    ["Tab is the browser's", "Tab", 0, 3],
    ["Enter opens the link", "Enter", 0, 3],
    ["no results, nothing to move to", "ArrowDown", FIELD, 0],
  ])("%s", (_name, key, from, count) => {
    expect(moveFocus(key, from, count)).toBeNull();
  });
});

// Delta's page size (contract: "delta"): Prefer odata.maxpagesize, capped, and
// echoed in Preference-Applied only when honoured.
import { describe, expect, it } from "vitest";
import { deltaPageSize } from "@/server/notifications/delta";

describe("the delta page size", () => {
  it.each([
    ["is 100 without a Prefer header", undefined, 100, undefined],
    ["is 100 for another preference", "return=minimal", 100, undefined],
    ["ignores a max page size of 0", "odata.maxpagesize=0", 100, undefined],
    ["takes the requested size", "odata.maxpagesize=5", 5, "odata.maxpagesize=5"],
    ["finds it among other preferences, in any letter case", "return=minimal, ODATA.MAXPAGESIZE = 7", 7, "odata.maxpagesize=7"],
    ["caps it at 1000", "odata.maxpagesize=5000", 1000, "odata.maxpagesize=1000"],
    ["ignores a size glued to other text", "odata.maxpagesize=5x", 100, undefined],
  ])("%s", (_name, prefer, pageSize, applied) => {
    expect(deltaPageSize(prefer)).toEqual({ pageSize, applied });
  });
});

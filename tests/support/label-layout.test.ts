// Labels on a lane's track never overlap: below first, above when below is taken, left out when
// both are (the words stay in the list under the track).
import { describe, expect, it } from "vitest";
import { layoutLabels } from "@/lib/support/label-layout";

const opts = { pad: 10, charPx: 10, gapPx: 0, overhangPx: 5 };

describe("layoutLabels", () => {
  it("puts labels far apart all below", () => {
    expect(layoutLabels([{ position: 0.3, label: "Sent" }, { position: 0.7, label: "Shown" }], 400, opts).map((p) => p.side)).toEqual(["below", "below"]);
  });

  it("alternates close labels between below and above", () => {
    const placed = layoutLabels(
      [
        { position: 0.4, label: "Sent" },
        { position: 0.45, label: "Received" },
        { position: 0.6, label: "Shown" },
      ],
      400,
      opts,
    );
    expect(placed.map((p) => p.side)).toEqual(["below", "above", "below"]);
  });

  it("leaves a label out when both sides are taken", () => {
    const placed = layoutLabels(
      [
        { position: 0.5, label: "Sent" },
        { position: 0.5, label: "Received" },
        { position: 0.5, label: "Shown" },
      ],
      400,
      opts,
    );
    expect(placed.map((p) => p.side)).toEqual(["below", "above", "hidden"]);
  });

  it("aligns labels at the ends to the edge so they stay on the track", () => {
    const placed = layoutLabels(
      [
        { position: 0, label: "Created" },
        { position: 0.5, label: "Sent" },
        { position: 1, label: "Dismissed" },
      ],
      300,
      opts,
    );
    expect(placed.map((p) => p.edge)).toEqual(["start", "middle", "end"]);
  });

  it("is empty for no points", () => {
    expect(layoutLabels([], 300)).toEqual([]);
  });
});

// Where each point's label goes on a lane's track: below or above the line, aligned to the track's
// edge near either end, and left out (the point keeps its tooltip, the list below keeps its words)
// when neither side has room. Pure: the width is measured by the page, the text is estimated.

export interface LabelPlacement {
  side: "below" | "above" | "hidden";
  /** start: the label begins at the point; end: it ends there; middle: centred on it. */
  edge: "start" | "middle" | "end";
}

export interface LabelLayoutOptions {
  /** The track's inner padding at each end (px), where positions 0 and 1 sit. */
  pad?: number;
  /** Estimated width of one character of a label (px). */
  charPx?: number;
  /** Space kept between two labels on one side (px). */
  gapPx?: number;
  /** How far an edge-aligned label reaches past its point (px). */
  overhangPx?: number;
}

/** `points` in position order (0…1); `trackPx` the track's width. */
export function layoutLabels(points: { position: number; label: string }[], trackPx: number, options: LabelLayoutOptions = {}): LabelPlacement[] {
  const { pad = 14, charPx = 7, gapPx = 6, overhangPx = 7 } = options;
  const usable = Math.max(0, trackPx - 2 * pad);
  const lastEnd = { below: -Infinity, above: -Infinity };
  return points.map(({ position, label }) => {
    const x = pad + position * usable;
    const width = label.length * charPx;
    let edge: LabelPlacement["edge"] = "middle";
    let from = x - width / 2;
    if (from < 0) {
      edge = "start";
      from = x - overhangPx;
    } else if (x + width / 2 > trackPx) {
      edge = "end";
      from = x + overhangPx - width;
    }
    const to = from + width;
    for (const side of ["below", "above"] as const) {
      if (from >= lastEnd[side] + gapPx) {
        lastEnd[side] = to;
        return { side, edge };
      }
    }
    return { side: "hidden", edge };
  });
}

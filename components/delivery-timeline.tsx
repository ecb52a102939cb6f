"use client";
// A notification's delivery at a glance: the verdict, then one lane per device with its steps as
// points on a shared (compressed) time axis, and each lane's steps in words underneath. The graphic
// repeats the words for the eye (aria-hidden); the words are what assistive technology reads.
import type { CSSProperties } from "react";
import { formatTimeNear } from "@/lib/format/clock-time";
import { useElementWidth } from "@/lib/hooks/use-element-width";
import { layoutLabels } from "@/lib/support/label-layout";
import type { Lane, Timeline, TimelinePoint } from "@/lib/support/timeline";

const STATUS_WORD: Record<Lane["status"], string> = {
  shown: "Shown",
  shownInPage: "Shown in app",
  suppressed: "Not shown",
  showError: "Show failed",
  received: "Received",
  sent: "Sent",
  queued: "Queued",
  retrying: "Retrying",
  failed: "Failed",
  removed: "Removed",
  skipped: "Not sent",
  none: "No push",
};

/** Left edge of a point: its position within the track's padded width. */
function at(position: number): CSSProperties {
  return { left: `calc(var(--track-pad) + ${position} * (100% - 2 * var(--track-pad)))` };
}

/** Axis labels near an end are aligned to it so they never leave the axis. */
function edge(position: number): "start" | "end" | "middle" {
  if (position < 0.12) return "start";
  if (position > 0.88) return "end";
  return "middle";
}

/** Must match .timeline's --track-pad (narrow screens use 10px; 14px is the safe estimate). */
const TRACK_PAD_PX = 14;

function Track({ lane }: { lane: Lane }) {
  const points = lane.points;
  const { ref, width } = useElementWidth<HTMLDivElement>(320);
  // Labels are placed for the track's real width: two never overlap, an unplaced one stays in the list.
  const labels = layoutLabels(points, width, { pad: TRACK_PAD_PX });
  return (
    <div className="lane-track" aria-hidden="true" ref={ref}>
      <div className="lane-line" />
      {points.map((point, i) => (
        <div key={point.key} className="lane-mark" style={at(point.position)} data-kind={point.kind} data-tone={point.tone} data-update={point.update} title={point.detail}>
          <span className="lane-dot" />
          {labels[i]!.side !== "hidden" && (
            <span className="lane-label" data-side={labels[i]!.side} data-edge={labels[i]!.edge}>
              {point.label}
            </span>
          )}
        </div>
      ))}
    </div>
  );
}

function Steps({ points, reference }: { points: TimelinePoint[]; reference: string }) {
  return (
    <ol className="lane-steps">
      {points.map((point) => (
        <li key={point.key} data-tone={point.tone}>
          <time dateTime={point.iso}>{formatTimeNear(point.iso, reference, {}, true)}</time>
          <span>{point.detail}</span>
        </li>
      ))}
    </ol>
  );
}

function LaneView({ lane, reference }: { lane: Lane; reference: string }) {
  const headingId = `${lane.key}-name`;
  return (
    <li className="lane" data-tone={lane.tone} data-kind={lane.kind} data-status={lane.status} data-endpoint-id={lane.endpointId ?? undefined} aria-labelledby={headingId}>
      <div className="lane-head">
        <h3 id={headingId} className="lane-name">
          {lane.name}
        </h3>
        {lane.platform && <span className="lane-platform">{lane.platform}</span>}
        {lane.removed && lane.status !== "removed" && <span className="tag tag-high">Removed</span>}
        {lane.kind === "endpoint" && (
          <span className="lane-status" data-tone={lane.tone}>
            {STATUS_WORD[lane.status]}
          </span>
        )}
      </div>
      <p className="lane-summary" data-tone={lane.tone}>
        {lane.summary}
        {lane.summary.endsWith(".") ? "" : "."}
      </p>
      {lane.removedNote && lane.status !== "removed" && <p className="lane-removed">Removed since: {lane.removedNote}.</p>}
      <Track lane={lane} />
      <details className="lane-details">
        <summary>
          Every step<span className="sr-only"> on {lane.name}</span> ({lane.points.length})
        </summary>
        <Steps points={lane.points} reference={reference} />
      </details>
    </li>
  );
}

function Axis({ timeline }: { timeline: Timeline }) {
  if (timeline.axis.length === 0) return null;
  return (
    <div className="timeline-axis" aria-hidden="true">
      {timeline.axis.map((mark) => (
        <span key={`${mark.kind}-${mark.position}`} className="axis-mark" data-kind={mark.kind} data-edge={edge(mark.position)} style={at(mark.position)}>
          {mark.label}
        </span>
      ))}
    </div>
  );
}

export function DeliveryTimeline({ timeline, verdict }: { timeline: Timeline; verdict: string }) {
  const reference = timeline.reference ?? new Date(0).toISOString();
  return (
    <div className="timeline">
      <p className="verdict" data-testid="delivery-verdict">
        {verdict}
      </p>
      {timeline.lanes.length > 0 && (
        <>
          <Axis timeline={timeline} />
          <ul className="lanes" role="list" aria-label="Devices and the notification">
            {timeline.lanes.map((lane) => (
              <LaneView key={lane.key} lane={lane} reference={reference} />
            ))}
          </ul>
          <p className="timeline-note">Points are in time order; long gaps are shortened so every step stays readable.</p>
        </>
      )}
    </div>
  );
}

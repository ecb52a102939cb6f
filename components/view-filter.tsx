"use client";
// All / Unread / Dismissed / Snoozed as a segmented control: toggle buttons with aria-pressed.
import type { InboxView } from "@/lib/api/query";

const VIEWS: { value: InboxView; label: string }[] = [
  { value: "all", label: "All" },
  { value: "unread", label: "Unread" },
  { value: "dismissed", label: "Dismissed" },
  { value: "snoozed", label: "Snoozed" },
];

export function ViewFilter({ value, onChange }: { value: InboxView; onChange: (view: InboxView) => void }) {
  return (
    <>
      <div className="segmented toolbar-wide" role="group" aria-label="Show">
        {VIEWS.map((view) => (
          <button key={view.value} type="button" aria-pressed={value === view.value} onClick={() => onChange(view.value)}>
            {view.label}
          </button>
        ))}
      </div>
      {/* A phone: the same choice as a select, so the toolbar keeps to one row. */}
      <select className="select toolbar-narrow view-select" aria-label="Show" value={value} onChange={(e) => onChange(e.target.value as InboxView)}>
        {VIEWS.map((view) => (
          <option key={view.value} value={view.value}>
            {view.label}
          </option>
        ))}
      </select>
    </>
  );
}

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
    <div className="segmented" role="group" aria-label="Show">
      {VIEWS.map((view) => (
        <button key={view.value} type="button" aria-pressed={value === view.value} onClick={() => onChange(view.value)}>
          {view.label}
        </button>
      ))}
    </div>
  );
}

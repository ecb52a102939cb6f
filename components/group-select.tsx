"use client";
// Filter by app group: every group seen so far in this session.
import { useId } from "react";

interface GroupSelectProps {
  groups: string[];
  value: string | undefined;
  onChange: (group: string | undefined) => void;
}

export function GroupSelect({ groups, value, onChange }: GroupSelectProps) {
  const id = useId();
  return (
    <div className="field field-group">
      {/* Said to screen readers; the select's own "All groups" says it to everyone else. */}
      <label htmlFor={id} className="sr-only">
        Group
      </label>
      <select id={id} className="select" value={value ?? ""} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">All groups</option>
        {groups.map((group) => (
          <option key={group} value={group}>
            {group}
          </option>
        ))}
      </select>
    </div>
  );
}

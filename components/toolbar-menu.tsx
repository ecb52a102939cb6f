"use client";
// A phone's toolbar keeps to one row: the view as a select, the search field, and this menu holding
// the rest of the toolbar of a wide screen — mark all read, and the group filter as radio items.
import type { ReactNode } from "react";
import { useMenuButton } from "@/lib/hooks/use-menu-button";

interface ToolbarMenuProps {
  groups: string[];
  group: string | undefined;
  onGroup: (group: string | undefined) => void;
  markAllLabel: string;
  canMarkAll: boolean;
  onMarkAll: () => void;
}

export function ToolbarMenu({ groups, group, onGroup, markAllLabel, canMarkAll, onMarkAll }: ToolbarMenuProps) {
  const menu = useMenuButton();
  const pick = (action: () => void) => {
    menu.close(true);
    action();
  };
  const radio = (value: string | undefined, label: ReactNode) => (
    <button
      key={value ?? ""}
      type="button"
      role="menuitemradio"
      aria-checked={group === value}
      tabIndex={-1}
      className="menu-item"
      onClick={() => pick(() => onGroup(value))}
    >
      <span className="menu-item-label">{label}</span>
      {group === value && (
        <span className="menu-item-detail" aria-hidden="true">
          ✓
        </span>
      )}
    </button>
  );
  return (
    <div className="menu" {...menu.containerProps}>
      <button {...menu.buttonProps} className="btn btn-icon" aria-label={group ? `Filters and actions (group: ${group})` : "Filters and actions"}>
        <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
          <path d="M3 5h14M6 10h8M8.5 15h3" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        {group && <span className="menu-dot" aria-hidden="true" />}
      </button>
      {menu.open && (
        <div {...menu.menuProps} className="menu-list" tabIndex={-1}>
          <button type="button" role="menuitem" tabIndex={-1} className="menu-item" aria-disabled={canMarkAll ? undefined : true} onClick={() => canMarkAll && pick(onMarkAll)}>
            <span className="menu-item-label">{markAllLabel}</span>
          </button>
          <div className="menu-heading" role="presentation">
            Group
          </div>
          {radio(undefined, "All groups")}
          {groups.map((g) => radio(g, g))}
        </div>
      )}
    </div>
  );
}

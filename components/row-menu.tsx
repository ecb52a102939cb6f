"use client";
// A row's other actions on a phone, behind one "More actions" button (the row itself shows only
// read/unread): dismiss or unsnooze, the three snooze times, delete. The same menu behaviour as
// Snooze (lib/hooks/use-menu-button.ts); the choices are worked out as it opens.
import { useState } from "react";
import type { Notification } from "@/contracts/notification";
import { snoozeOptions, type SnoozeOption } from "@/lib/format/snooze-time";
import { useMenuButton } from "@/lib/hooks/use-menu-button";
import type { ItemActions } from "./notification-item";
import { SnoozeChoices } from "./snooze-menu";

export function RowMenu({ item, actions, describedBy }: { item: Notification; actions: ItemActions; describedBy: string }) {
  const [options, setOptions] = useState<SnoozeOption[]>([]);
  const menu = useMenuButton(() => setOptions(snoozeOptions(Date.now(), item.expirationDateTime)));
  const snoozed = item.userActionState === "snoozed";
  const dismissed = item.userActionState === "dismissed";
  const choose = (action: () => void) => {
    menu.close(false);
    action();
  };

  return (
    <div className="menu row-menu" {...menu.containerProps}>
      <button {...menu.buttonProps} className="btn btn-quiet btn-icon" aria-label="More actions" aria-describedby={describedBy}>
        <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
          <circle cx="4" cy="10" r="1.8" fill="currentColor" />
          <circle cx="10" cy="10" r="1.8" fill="currentColor" />
          <circle cx="16" cy="10" r="1.8" fill="currentColor" />
        </svg>
      </button>
      {menu.open && (
        <div {...menu.menuProps} className="menu-list" tabIndex={-1}>
          {snoozed ? (
            <button type="button" role="menuitem" tabIndex={-1} className="menu-item" onClick={() => choose(() => actions.onUnsnooze(item))}>
              <span className="menu-item-label">Unsnooze</span>
            </button>
          ) : (
            !dismissed && (
              <button type="button" role="menuitem" tabIndex={-1} className="menu-item" onClick={() => choose(() => actions.onDismiss(item))}>
                <span className="menu-item-label">Dismiss</span>
              </button>
            )
          )}
          {!snoozed && <SnoozeChoices options={options} prefix="Snooze" onChoose={(option) => choose(() => actions.onSnooze(item, option.until))} />}
          <button type="button" role="menuitem" tabIndex={-1} className="menu-item menu-item-danger" onClick={() => choose(() => actions.onDelete(item))}>
            <span className="menu-item-label">Delete</span>
          </button>
        </div>
      )}
    </div>
  );
}

"use client";
// "Snooze" and its menu: for 1 hour, until tomorrow 08:00, until next Monday 08:00 (the device's time).
// The times are worked out as the menu opens; a choice past the item's expiry is shown but refused
// (the service would answer 400).
import { useState } from "react";
import { snoozeOptions, type SnoozeOption } from "@/lib/format/snooze-time";
import { useMenuButton } from "@/lib/hooks/use-menu-button";

interface SnoozeMenuProps {
  expirationDateTime: string;
  onSnooze: (until: Date) => void;
  /** The id of the item's title, which describes the button in a list of rows. */
  describedBy?: string;
  buttonClassName?: string;
}

export function SnoozeMenu({ expirationDateTime, onSnooze, describedBy, buttonClassName = "btn" }: SnoozeMenuProps) {
  const [options, setOptions] = useState<SnoozeOption[]>([]);
  const menu = useMenuButton(() => setOptions(snoozeOptions(Date.now(), expirationDateTime)));

  const choose = (option: SnoozeOption) => {
    if (!option.allowed) return;
    menu.close(true);
    onSnooze(option.until);
  };

  return (
    <div className="menu" {...menu.containerProps}>
      <button {...menu.buttonProps} className={buttonClassName} aria-describedby={describedBy}>
        Snooze
        <svg className="menu-caret" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true">
          <path d="M2.5 4.5 6 8l3.5-3.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      {menu.open && (
        <div {...menu.menuProps} className="menu-list" tabIndex={-1}>
          <SnoozeChoices options={options} onChoose={choose} />
        </div>
      )}
    </div>
  );
}

/** The snooze times as menu items (here and in a phone row's "More actions"); `prefix` leads each label. */
export function SnoozeChoices({ options, onChoose, prefix = "" }: { options: SnoozeOption[]; onChoose: (option: SnoozeOption) => void; prefix?: string }) {
  return options.map((option) => (
    <button
      key={option.choice}
      type="button"
      role="menuitem"
      tabIndex={-1}
      className="menu-item"
      aria-disabled={option.allowed ? undefined : true}
      onClick={() => option.allowed && onChoose(option)}
    >
      <span className="menu-item-label">{prefix ? `${prefix} ${option.label.charAt(0).toLowerCase()}${option.label.slice(1)}` : option.label}</span>{" "}
      <span className="menu-item-detail">{option.allowed ? option.detail : "not before it expires"}</span>
    </button>
  ));
}

// The keyboard shortcuts, Gmail/GitHub style: one list (keys, what they do, where), read by the
// bindings (lib/hooks/use-shortcuts.ts, through tinykeys) and by the `?` help dialog, so the dialog
// can never list a key that does nothing or miss one that does something.

export type ShortcutId =
  | "next"
  | "previous"
  | "open"
  | "dismiss"
  | "delete"
  | "markRead"
  | "markUnread"
  | "snooze"
  | "search"
  | "undo"
  | "goInbox"
  | "goSettings"
  | "help";

export interface Shortcut {
  id: ShortcutId;
  /** tinykeys bindings (https://github.com/jamiebuilds/tinykeys): several mean any of them. */
  bindings: string[];
  /** How the help dialog writes the keys, one entry per key cap. */
  keys: string[];
  label: string;
  /** "inbox": on the inbox page; "everywhere": on every signed-in page. */
  scope: "inbox" | "everywhere";
}

export const SHORTCUTS: readonly Shortcut[] = [
  { id: "next", bindings: ["j"], keys: ["j"], label: "Next notification", scope: "inbox" },
  { id: "previous", bindings: ["k"], keys: ["k"], label: "Previous notification", scope: "inbox" },
  { id: "open", bindings: ["o"], keys: ["o", "Enter"], label: "Open the notification", scope: "inbox" },
  { id: "dismiss", bindings: ["e"], keys: ["e"], label: "Dismiss", scope: "inbox" },
  { id: "delete", bindings: ["[Shift]+#"], keys: ["#"], label: "Delete", scope: "inbox" },
  { id: "markRead", bindings: ["Shift+I"], keys: ["Shift", "I"], label: "Mark as read", scope: "inbox" },
  { id: "markUnread", bindings: ["Shift+U"], keys: ["Shift", "U"], label: "Mark as unread", scope: "inbox" },
  { id: "snooze", bindings: ["s"], keys: ["s"], label: "Snooze…", scope: "inbox" },
  { id: "search", bindings: ["/"], keys: ["/"], label: "Search", scope: "inbox" },
  { id: "undo", bindings: ["z"], keys: ["z"], label: "Undo, while its message shows", scope: "inbox" },
  { id: "goInbox", bindings: ["g i"], keys: ["g", "i"], label: "Go to the inbox", scope: "everywhere" },
  { id: "goSettings", bindings: ["g s"], keys: ["g", "s"], label: "Go to Settings", scope: "everywhere" },
  { id: "help", bindings: ["[Shift]+?"], keys: ["?"], label: "Show these shortcuts", scope: "everywhere" },
];

/** Keys never fire while a modal dialog is open (it has its own: Tab, Escape) or a menu has focus. */
export function keysBlocked(doc: Document = document): boolean {
  if (doc.querySelector("dialog[open]")) return true;
  return !!doc.activeElement?.closest('[role="menu"]');
}

export type ShortcutHandlers = Partial<Record<ShortcutId, (event: KeyboardEvent) => void>>;

/** tinykeys' binding map for `handlers`: each shortcut's keys, blocked while a dialog or a menu has the keyboard. */
export function shortcutBindings(handlers: ShortcutHandlers): Record<string, (event: KeyboardEvent) => void> {
  const map: Record<string, (event: KeyboardEvent) => void> = {};
  for (const shortcut of SHORTCUTS) {
    const handler = handlers[shortcut.id];
    if (!handler) continue;
    for (const binding of shortcut.bindings) {
      map[binding] = (event) => {
        if (keysBlocked()) return;
        event.preventDefault();
        handler(event);
      };
    }
  }
  return map;
}

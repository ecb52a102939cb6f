"use client";
// Binds keyboard shortcuts (lib/keyboard/shortcuts.ts) on the window while the component is mounted,
// through tinykeys, which never fires them while the user types in a field. The handlers are read at
// the moment a key is pressed, so the bindings are made once.
import { useEffect, useRef } from "react";
import { tinykeys } from "tinykeys";
import { shortcutBindings, type ShortcutHandlers, type ShortcutId } from "@/lib/keyboard/shortcuts";

export function useShortcuts(handlers: ShortcutHandlers): void {
  const current = useRef(handlers);
  useEffect(() => {
    current.current = handlers;
  });
  const ids = Object.keys(handlers).sort().join(",");
  useEffect(() => {
    const live: ShortcutHandlers = {};
    for (const id of ids.split(",").filter(Boolean) as ShortcutId[]) live[id] = (event) => current.current[id]?.(event);
    return tinykeys(window, shortcutBindings(live));
  }, [ids]);
}

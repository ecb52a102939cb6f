"use client";
// A menu button's behaviour (WAI-ARIA APG "Menu Button"): Enter, Space or a tap opens the menu on its
// first item, ArrowDown / ArrowUp open it on the first / last; in the menu the arrows, Home and End
// move, Escape closes it and puts focus back on the button, and Tab or a tap elsewhere closes it.
import { useCallback, useId, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from "react";
import { menuPlacement, nextMenuIndex } from "./menu-button";

/** `onOpen` runs as the menu opens, before it renders (e.g. to work out its items for this moment). */
export function useMenuButton(onOpen?: () => void) {
  const [open, setOpen] = useState(false);
  const focusOnOpen = useRef<"first" | "last">("first");
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const buttonId = useId();
  const menuId = useId();

  const menuItems = () => [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

  const show = (focus: "first" | "last") => {
    focusOnOpen.current = focus;
    onOpen?.();
    setOpen(true);
  };

  const close = useCallback((returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  }, []);

  // Placed before paint (data attributes and a shift the stylesheet reads), then focus moves into the menu.
  useLayoutEffect(() => {
    const button = buttonRef.current;
    const menu = menuRef.current;
    if (!open || !button || !menu) return;
    const frame = button.closest("dialog");
    const bounds = frame?.getBoundingClientRect() ?? { top: 0, left: 0, right: window.innerWidth, bottom: window.innerHeight };
    const place = menuPlacement(button.getBoundingClientRect(), { width: menu.offsetWidth, height: menu.offsetHeight }, bounds);
    menu.dataset.vertical = place.vertical;
    menu.dataset.horizontal = place.horizontal;
    menu.style.setProperty("--menu-shift", `${place.shift}px`);
    const items = menuItems();
    items[focusOnOpen.current === "first" ? 0 : items.length - 1]?.focus();
  }, [open]);

  const onButtonKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    show(event.key === "ArrowDown" ? "first" : "last");
  };

  const onMenuKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") {
      // Inside a modal <dialog>, Escape would close the dialog too: it closes only the menu.
      event.preventDefault();
      event.stopPropagation();
      close(true);
      return;
    }
    if (event.key === "Tab") {
      close(false);
      return;
    }
    const items = menuItems();
    const next = nextMenuIndex(event.key, items.indexOf(document.activeElement as HTMLElement), items.length);
    if (next === null) return;
    event.preventDefault();
    items[next]?.focus();
  };

  // Focus leaving the button and the menu (Tab, a tap or click elsewhere) closes it.
  const onBlur = (event: FocusEvent<HTMLElement>) => {
    if (open && !event.currentTarget.contains(event.relatedTarget as Node | null)) close(false);
  };

  return {
    open,
    close,
    containerProps: { onBlur },
    buttonProps: {
      ref: buttonRef,
      id: buttonId,
      type: "button" as const,
      "aria-haspopup": "menu" as const,
      "aria-expanded": open,
      "aria-controls": open ? menuId : undefined,
      onClick: () => (open ? close(true) : show("first")),
      onKeyDown: onButtonKeyDown,
    },
    menuProps: {
      ref: menuRef,
      id: menuId,
      role: "menu" as const,
      "aria-labelledby": buttonId,
      onKeyDown: onMenuKeyDown,
    },
  };
}

"use client";
// The header's account button on a phone: the user's initials, and a menu with who is signed in,
// Settings (and Support for support staff) and Sign out. Wide screens show those in the header itself.
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useMenuButton } from "@/lib/hooks/use-menu-button";

/** "Megan Bowen" → "MB"; one word → its first letter. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return letters.map((w) => [...w][0]!.toUpperCase()).join("") || "?";
}

interface AccountMenuProps {
  name: string;
  upn: string;
  isSupport: boolean;
  onSignOut: () => void;
}

export function AccountMenu({ name, upn, isSupport, onSignOut }: AccountMenuProps) {
  const router = useRouter();
  const menu = useMenuButton();
  const go = (href: string) => {
    menu.close(false);
    router.push(href);
  };
  // The pages it offers load when it opens (the header does not load them with the inbox).
  useEffect(() => {
    if (!menu.open) return;
    router.prefetch("/settings");
    if (isSupport) router.prefetch("/support");
  }, [isSupport, menu.open, router]);
  return (
    <div className="menu account-menu" {...menu.containerProps}>
      <button {...menu.buttonProps} className="avatar" aria-label={`Account: ${name}`}>
        <span aria-hidden="true">{initials(name)}</span>
      </button>
      {menu.open && (
        <div {...menu.menuProps} className="menu-list" tabIndex={-1}>
          <div className="account-card" role="presentation">
            <span className="account-name">{name}</span>
            <span className="account-upn">{upn}</span>
          </div>
          {isSupport && (
            <button type="button" role="menuitem" tabIndex={-1} className="menu-item" onClick={() => go("/support")}>
              <span className="menu-item-label">Support</span>
            </button>
          )}
          <button type="button" role="menuitem" tabIndex={-1} className="menu-item" onClick={() => go("/settings")}>
            <span className="menu-item-label">Settings</span>
          </button>
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="menu-item"
            onClick={() => {
              menu.close(false);
              onSignOut();
            }}
          >
            <span className="menu-item-label">Sign out</span>
          </button>
        </div>
      )}
    </div>
  );
}

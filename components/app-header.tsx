"use client";
import { useSupportAccess } from "@/lib/hooks/use-support-access";
import { AccountMenu } from "./account-menu";
import { BrandMark } from "./brand-mark";
import { IntentLink } from "./intent-link";
import { UnreadBadge } from "./unread-badge";

interface AppHeaderProps {
  name: string;
  upn: string;
  unreadCount: number | undefined;
  onSignOut: () => void;
  /** The page shown, marked in the navigation. */
  current?: "inbox" | "settings" | "support";
}

export function AppHeader({ name, upn, unreadCount, onSignOut, current = "inbox" }: AppHeaderProps) {
  // Support staff only (the token's roles); everyone else never sees the link.
  const { isSupport } = useSupportAccess();
  return (
    <header className="app-header">
      <div className="app-header-inner" data-support={isSupport === true}>
        <div className="brand">
          <BrandMark className="brand-mark" />
          {current === "inbox" ? (
            <h1 className="brand-title">Inbox</h1>
          ) : (
            <IntentLink href="/" className="brand-link">
              Inbox
            </IntentLink>
          )}
          <UnreadBadge count={unreadCount} />
        </div>
        <nav aria-label="App" className="app-nav header-wide">
          {isSupport && (
            <IntentLink href="/support" className="btn btn-quiet" aria-current={current === "support" ? "page" : undefined}>
              Support
            </IntentLink>
          )}
          <IntentLink href="/settings" className="btn btn-quiet" aria-current={current === "settings" ? "page" : undefined}>
            Settings
          </IntentLink>
        </nav>
        <div className="user header-wide">
          <span className="user-name">{name}</span>
          <span className="user-upn">{upn}</span>
        </div>
        <button type="button" className="btn header-wide" onClick={onSignOut}>
          Sign out
        </button>
        <div className="header-narrow">
          <AccountMenu name={name} upn={upn} isSupport={isSupport === true} onSignOut={onSignOut} />
        </div>
      </div>
    </header>
  );
}

"use client";
import { BrandMark } from "./brand-mark";
import { UnreadBadge } from "./unread-badge";

interface AppHeaderProps {
  name: string;
  upn: string;
  unreadCount: number | undefined;
  onSignOut: () => void;
}

export function AppHeader({ name, upn, unreadCount, onSignOut }: AppHeaderProps) {
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <div className="brand">
          <BrandMark className="brand-mark" />
          <h1 style={{ fontSize: "inherit" }}>Inbox</h1>
          <UnreadBadge count={unreadCount} />
        </div>
        <div className="user">
          <span className="user-name">{name}</span>
          <span className="user-upn">{upn}</span>
        </div>
        <button type="button" className="btn" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}

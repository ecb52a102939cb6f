"use client";
// "A new version is ready — Reload": shown while an updated service worker waits. Polite, so it never
// interrupts what a screen reader is reading; the button is a full 44 px target. At the top, so it never covers the
// undo toast at the bottom; as wide as its text, so it wraps only on the narrowest screens.
export function UpdatePrompt({ onReload, busy }: { onReload: () => void; busy: boolean }) {
  return (
    <div className="toast update-prompt" role="status" aria-live="polite">
      <span>A new version is ready</span>
      <button type="button" className="btn" onClick={onReload} disabled={busy}>
        {busy ? "Reloading…" : "Reload"}
      </button>
    </div>
  );
}

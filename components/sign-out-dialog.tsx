"use client";
// Signing out with changes made offline still unsent: say so, and offer to wait for them (they are
// sent as soon as the service answers; signing out then goes on by itself), to sign out anyway (they
// are lost: sign-out clears this browser's queue), or to stay. A native modal <dialog>, focus on the
// harmless choice.
import { useEffect, useRef, useState } from "react";
import { useOffline, useOfflineState } from "@/lib/hooks/use-offline";

interface SignOutDialogProps {
  onSignOut: () => void;
  onCancel: () => void;
}

function changes(n: number): string {
  return n === 1 ? "1 change" : `${n} changes`;
}

export function SignOutDialog({ onSignOut, onCancel }: SignOutDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const waitButton = useRef<HTMLButtonElement>(null);
  const offline = useOffline();
  const { pending, connection, replaying } = useOfflineState();
  const [waiting, setWaiting] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // After showModal, which would otherwise focus the first button (the destructive one).
    waitButton.current?.focus();
  }, []);

  // Waiting: sign out once the last change is in.
  useEffect(() => {
    if (waiting && pending === 0 && !replaying) onSignOut();
  }, [waiting, pending, replaying, onSignOut]);

  const wait = () => {
    setWaiting(true);
    void offline?.drain();
  };

  let status: string;
  if (!waiting) status = `${changes(pending)} you made offline ${pending === 1 ? "has" : "have"} not reached the service yet. Signing out now loses ${pending === 1 ? "it" : "them"}.`;
  else if (connection === "online") status = `Sending ${changes(pending)}… You will be signed out when ${pending === 1 ? "it is" : "they are"} in.`;
  else status = `Waiting for the connection to send ${changes(pending)}. You will be signed out when ${pending === 1 ? "it is" : "they are"} in.`;

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="sign-out-title" aria-describedby="sign-out-status" onClose={onCancel}>
      <div className="dialog-inner">
        <h2 id="sign-out-title">Sign out with unsent changes?</h2>
        <p id="sign-out-status" role="status">
          {status}
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn btn-danger" onClick={onSignOut}>
            Sign out anyway
          </button>
          <button type="button" className="btn" onClick={() => ref.current?.close()}>
            Stay signed in
          </button>
          {/* Not disabled while waiting: a disabled button would drop keyboard focus to the page. */}
          <button ref={waitButton} type="button" className="btn btn-primary" aria-disabled={waiting} onClick={waiting ? undefined : wait}>
            {waiting ? "Waiting…" : "Wait, then sign out"}
          </button>
        </div>
      </div>
    </dialog>
  );
}

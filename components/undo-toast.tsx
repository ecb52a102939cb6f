"use client";
// "Deleted. Undo" — shown while a change can still be undone; `z` presses Undo from anywhere.
export function UndoToast({ message, onUndo }: { message: string; onUndo: () => void }) {
  return (
    <div className="toast">
      <span>{message}</span>
      <button type="button" className="btn btn-small" aria-keyshortcuts="z" onClick={onUndo}>
        Undo
        <kbd className="kbd-hint" aria-hidden="true">
          z
        </kbd>
      </button>
    </div>
  );
}

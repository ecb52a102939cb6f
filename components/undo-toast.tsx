"use client";
// "Deleted. Undo" — shown while a delete waits to be sent.
export function UndoToast({ message, onUndo }: { message: string; onUndo: () => void }) {
  return (
    <div className="toast">
      <span>{message}</span>
      <button type="button" className="btn btn-small" onClick={onUndo}>
        Undo
      </button>
    </div>
  );
}

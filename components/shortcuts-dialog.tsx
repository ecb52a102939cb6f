"use client";
// The "?" dialog's body: every keyboard shortcut, from the one list the bindings use. Loaded the first
// time "?" is pressed (components/shortcuts-help.tsx holds the keys and loads it).
import { useEffect, useRef } from "react";
import { SHORTCUTS } from "@/lib/keyboard/shortcuts";

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const groups = [
    { title: "In the inbox", items: SHORTCUTS.filter((s) => s.scope === "inbox") },
    { title: "Everywhere", items: SHORTCUTS.filter((s) => s.scope === "everywhere") },
  ];

  return (
    <dialog ref={ref} className="dialog shortcuts-dialog" aria-labelledby="shortcuts-title" onClose={() => onClose()}>
      {open && (
        <div className="dialog-inner">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          {groups.map((group) => (
            <section key={group.title} aria-label={group.title}>
              <h3 className="shortcuts-group">{group.title}</h3>
              <dl className="shortcuts">
                {group.items.map((s) => (
                  <div key={s.id} className="shortcut">
                    <dt>
                      {s.keys.map((key, i) => (
                        <span key={key}>
                          {i > 0 && <span className="shortcut-then">{s.id === "open" ? " or " : s.keys[0] === "Shift" ? "+" : " then "}</span>}
                          <kbd>{key}</kbd>
                        </span>
                      ))}
                    </dt>
                    <dd>{s.label}</dd>
                  </div>
                ))}
                {group.title === "Everywhere" && (
                  <div className="shortcut">
                    <dt>
                      <kbd>Esc</kbd>
                    </dt>
                    <dd>Close a dialog or a menu</dd>
                  </div>
                )}
              </dl>
            </section>
          ))}
          <div className="dialog-actions">
            <button type="button" className="btn btn-primary" autoFocus onClick={() => onClose()}>
              Close
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}

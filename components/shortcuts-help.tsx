"use client";
// The "?" dialog: every keyboard shortcut, from the one list the bindings use; and the shortcuts that
// work on every signed-in page (this dialog, g i, g s). Rendered once per signed-in page.
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { SHORTCUTS } from "@/lib/keyboard/shortcuts";
import { useShortcuts } from "@/lib/hooks/use-shortcuts";

export function ShortcutsHelp() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDialogElement>(null);

  useShortcuts({
    help: () => setOpen(true),
    goInbox: () => (window.location.pathname === "/" ? document.getElementById("notifications")?.focus() : router.push("/")),
    goSettings: () => router.push("/settings"),
  });

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
    <dialog ref={ref} className="dialog shortcuts-dialog" aria-labelledby="shortcuts-title" onClose={() => setOpen(false)}>
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
            <button type="button" className="btn btn-primary" autoFocus onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}

"use client";
// The shortcuts that work on every signed-in page ("?" for the list of them all, g i, g s), rendered once
// per signed-in page. The list itself (components/shortcuts-dialog.tsx) loads the first time "?" is
// pressed, not with the page.
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useShortcuts } from "@/lib/hooks/use-shortcuts";
import { useOnceTrue } from "@/lib/hooks/use-once-true";

const ShortcutsDialog = dynamic(() => import("./shortcuts-dialog").then((m) => m.ShortcutsDialog), { ssr: false });

export function ShortcutsHelp() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const wanted = useOnceTrue(open);

  useShortcuts({
    help: () => setOpen(true),
    goInbox: () => (window.location.pathname === "/" ? document.getElementById("notifications")?.focus() : router.push("/")),
    goSettings: () => router.push("/settings"),
  });

  return wanted ? <ShortcutsDialog open={open} onClose={() => setOpen(false)} /> : null;
}

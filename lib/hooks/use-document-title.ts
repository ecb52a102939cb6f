"use client";
// The tab's title, kept equal to what the page shows (e.g. "(3) Inbox").
import { useEffect } from "react";

export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title;
  }, [title]);
}

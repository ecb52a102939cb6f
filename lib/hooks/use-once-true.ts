"use client";
// True from the first render where `value` is true, for good: a part loaded on first use (a dialog's
// code) stays mounted after it closes, so the native <dialog> can close itself and hand focus back.
import { useState } from "react";

export function useOnceTrue(value: boolean): boolean {
  const [once, setOnce] = useState(value);
  if (value && !once) setOnce(true);
  return once || value;
}

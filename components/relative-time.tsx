"use client";
// A relative time that stays true while the page is open; the absolute time is one hover away.
import { useEffect, useState } from "react";
import { formatAbsoluteTime, formatRelativeTime } from "@/lib/format/relative-time";

export function RelativeTime({ iso }: { iso: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const absolute = formatAbsoluteTime(iso);
  return (
    <time dateTime={iso} title={absolute}>
      {formatRelativeTime(iso, now)}
    </time>
  );
}

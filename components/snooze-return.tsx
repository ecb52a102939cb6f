"use client";
// "Returns tomorrow at 8:00 AM": when a snoozed item comes back, kept true while the page is open.
import { useEffect, useState } from "react";
import { formatAbsoluteTime } from "@/lib/format/relative-time";
import { formatSnoozeReturn } from "@/lib/format/snooze-time";

export function SnoozeReturn({ until, className }: { until: string; className?: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <time className={className} dateTime={until} title={formatAbsoluteTime(until)}>
      {formatSnoozeReturn(until, now)}
    </time>
  );
}

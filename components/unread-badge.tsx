// The unread count. The number alone sits in the test hook; words for screen readers sit beside it.
export function UnreadBadge({ count }: { count: number | undefined }) {
  if (count === undefined) return null;
  return (
    <span className="badge" data-zero={count === 0}>
      <span data-testid="unread-count" aria-hidden="true">
        {count > 999 ? "999+" : count}
      </span>
      <span className="sr-only">{count === 1 ? "1 unread notification" : `${count} unread notifications`}</span>
    </span>
  );
}

// Placeholder rows while the first page loads, shaped like the real ones so nothing jumps. Sized by
// classes (globals.css), never style attributes: the page's CSP allows no inline styles.
export function ListSkeleton({ rows = 5 }: { rows?: number }) {
  return (
    <div aria-busy="true" role="status" aria-label="Loading notifications">
      <div className="list">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="item" aria-hidden="true">
            <div className="skeleton-line skeleton-title" />
            <div className="skeleton-line skeleton-body" />
            <div className="skeleton-line skeleton-short" />
          </div>
        ))}
      </div>
    </div>
  );
}

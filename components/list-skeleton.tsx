// Placeholder rows while the first page loads, shaped like the real ones so nothing jumps.
export function ListSkeleton({ rows = 5 }: { rows?: number }) {
  return (
    <div aria-busy="true" role="status" aria-label="Loading notifications">
      <div className="list">
        {Array.from({ length: rows }, (_, i) => (
          <div key={i} className="item" aria-hidden="true">
            <div className="skeleton-line" style={{ width: `${55 + ((i * 17) % 30)}%`, height: "1.1rem" }} />
            <div className="skeleton-line" style={{ width: "92%" }} />
            <div className="skeleton-line" style={{ width: "30%" }} />
          </div>
        ))}
      </div>
    </div>
  );
}

// The first stop of every page's Tab order: past the header to the page's content (`to`: the id of
// the element to land on, focusable with tabIndex -1). Shown only while focused (globals.css).
export function SkipLink({ to, children = "Skip to content" }: { to: string; children?: string }) {
  return (
    <a className="skip-link" href={`#${to}`}>
      {children}
    </a>
  );
}

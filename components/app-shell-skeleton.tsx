// The app's frame while a signed-in page starts (MSAL, the configuration, the first page of data): the
// header and placeholder rows, shaped like the real ones, so the first paint is the app and nothing
// jumps when it arrives. Rendered on the server as well, inside the first HTML.
import { BrandMark } from "./brand-mark";
import { ListSkeleton } from "./list-skeleton";

export function AppShellSkeleton() {
  return (
    <div className="app-shell-skeleton">
      <header className="app-header">
        <div className="app-header-inner">
          <div className="brand">
            <BrandMark className="brand-mark" />
            <span>Inbox</span>
          </div>
        </div>
      </header>
      <main className="shell">
        <ListSkeleton />
      </main>
    </div>
  );
}

// Bringing the loaded inbox up to date: when the window gets focus again or the browser comes back
// online, after a change made elsewhere (a push, another tab), after "Mark all read", and on returning
// to a view kept in the cache. This is the seam the live stream and delta will replace. For now it
// fetches the first page only and merges it in place (mergeFirstPage): it never refetches every loaded
// page, which blocked a 2,000-item inbox for 1.5 s on each focus.
import type { NotificationPage } from "@/contracts/notification";
import { mergeFirstPage, type Pages } from "./notification-pages";

export interface CatchUpTarget {
  /** The current view's first page, fresh from the service. */
  fetchFirstPage(): Promise<NotificationPage>;
  /** Applies an edit to the loaded pages, without refetching any of them. */
  apply(edit: (pages: Pages) => Pages): Promise<unknown>;
}

export async function catchUp(target: CatchUpTarget): Promise<void> {
  const fresh = await target.fetchFirstPage();
  // Nothing loaded yet: the first load is SWR's, and under way.
  await target.apply((pages) => (pages ? mergeFirstPage(pages, fresh) : pages));
}

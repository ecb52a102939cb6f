// Catching up with delta (contract: GET /me/notifications/delta) instead of refetching pages: the
// first round pages through every live item and ends with a deltaLink; each later call of the link
// returns only what changed since. The link is kept in memory per signed-in user (a reload starts
// a first round again). Calls coalesce: a catch-up asked for while one runs runs once more after it.
import { ApiError } from "@/lib/api/errors";
import type { DeltaPage } from "@/lib/api/client";
import { parseChange, type LiveChange } from "./live-messages";

export interface DeltaSource {
  delta(link?: string): Promise<DeltaPage>;
}

export interface DeltaCatchUp {
  /** Resolves when this page has caught up (or the attempt failed; the next trigger tries again). */
  catchUp(): Promise<void>;
  /** Whether a deltaLink is held (the first round is done). */
  readonly established: boolean;
}

/** deltaLinks by user key: memory only, shared by every catch-up of the page for that user. */
const deltaLinks = new Map<string, string>();

export interface DeltaCatchUpOptions {
  userKey: string;
  source: DeltaSource;
  /** Each page's changes, in the service's order. `initial`: from a first round (no removals possible). */
  onChanges: (changes: LiveChange[], info: { initial: boolean }) => void;
  onError?: (error: unknown) => void;
  links?: Map<string, string>;
}

export function createDeltaCatchUp(options: DeltaCatchUpOptions): DeltaCatchUp {
  const links = options.links ?? deltaLinks;
  let running: Promise<void> | undefined;
  let again = false;

  async function round(): Promise<void> {
    const start = links.get(options.userKey);
    const initial = start === undefined;
    let page: DeltaPage;
    try {
      page = await options.source.delta(start);
    } catch (error) {
      // The link is past the history window: start a first round again.
      if (error instanceof ApiError && error.status === 410 && !initial) {
        links.delete(options.userKey);
        return round();
      }
      throw error;
    }
    for (;;) {
      const changes = page.value.map(parseChange).filter((c): c is LiveChange => c !== undefined);
      if (changes.length > 0) options.onChanges(changes, { initial });
      const next = page["@odata.nextLink"];
      if (!next) break;
      page = await options.source.delta(next);
    }
    const deltaLink = page["@odata.deltaLink"];
    if (deltaLink) links.set(options.userKey, deltaLink);
  }

  async function loop(): Promise<void> {
    do {
      again = false;
      try {
        await round();
      } catch (error) {
        options.onError?.(error);
      }
    } while (again);
    // In the same tick as the last check of `again`, so no call can fall between the two.
    running = undefined;
  }

  return {
    catchUp() {
      if (running) {
        again = true;
        return running;
      }
      running = loop();
      return running;
    },
    get established() {
      return links.has(options.userKey);
    },
  };
}

// One item's changes reach the service in the order they were made: a change (an Undo right after a
// dismissal) waits for the one before it to be answered. `isLatest` tells a change whether a later one
// of the same item has been made since, so only the latest writes the service's answer (or its
// rollback) back into the list, and an earlier answer never shows over a later change.
export type InItemOrder = (id: string, send: (isLatest: () => boolean) => Promise<void>) => Promise<void>;

export function createItemOrder(): InItemOrder {
  const chains = new Map<string, Promise<void>>();
  return async (id, send) => {
    const previous = chains.get(id) ?? Promise.resolve();
    const mine: Promise<void> = previous.catch(() => undefined).then(() => send(() => chains.get(id) === mine));
    chains.set(id, mine);
    try {
      await mine;
    } finally {
      if (chains.get(id) === mine) chains.delete(id);
    }
  };
}

/**
 * Memory that stays flat: maps and sets that remember the newest entries only. Insertion order is
 * the age (Map and Set keep it), so the first key is always the oldest.
 */

/** Drops the oldest entries (insertion order) of a map or set beyond `max`. */
export function trimOldest<K>(store: Map<K, unknown> | Set<K>, max: number): void {
  while (store.size > max) {
    const oldest = store.keys().next();
    if (oldest.done) return;
    store.delete(oldest.value);
  }
}

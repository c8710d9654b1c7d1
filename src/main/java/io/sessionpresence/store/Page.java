package io.sessionpresence.store;

import java.util.List;

/**
 * One page of a newest-first listing.
 *
 * @param items      the entries on this page
 * @param count      how many entries the whole listing has
 * @param nextCursor where the next page starts, or null on the last page
 */
public record Page<T>(List<T> items, long count, Integer nextCursor) {
    public static <T> Page<T> of(List<T> items, long count, int cursor) {
        return of(items, count, cursor, items.size());
    }

    /**
     * @param positions how many places of the listing this page took: more than {@code items}
     *                  when an entry of the index had ended by the time its value was read
     */
    public static <T> Page<T> of(List<T> items, long count, int cursor, int positions) {
        int next = cursor + positions;
        return new Page<>(items, count, positions > 0 && next < count ? next : null);
    }
}

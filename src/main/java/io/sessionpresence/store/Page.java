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
        int next = cursor + items.size();
        return new Page<>(items, count, !items.isEmpty() && next < count ? next : null);
    }
}

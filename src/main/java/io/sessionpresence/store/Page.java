package io.sessionpresence.store;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

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

    /** This page with each item read by {@code read}. */
    public <R> Page<R> map(Function<T, R> read) {
        return new Page<>(items.stream().map(read).toList(), count, nextCursor);
    }

    /** A page of stored (key, value) entries, each read by {@code read}. */
    public static <R> Page<R> read(Page<Map.Entry<String, String>> stored, BiFunction<String, String, R> read) {
        return stored.map(entry -> read.apply(entry.getKey(), entry.getValue()));
    }

    /**
     * The entries {@code offset} to {@code offset + limit} of the merge of several shards' first
     * {@code offset + limit}, by {@code score}, highest first; entries of equal score keep the
     * order they came in (shard by shard), so every page of one listing draws the same order.
     */
    public static <T> List<T> mergedNewestFirst(List<T> fromEveryShard, ToDoubleFunction<T> score, int offset, int limit) {
        return fromEveryShard.stream()
                .sorted(Comparator.comparingDouble(score).reversed())
                .skip(offset)
                .limit(limit)
                .toList();
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

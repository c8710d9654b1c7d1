package io.sessionpresence.store;

/**
 * The memory store is at one of its bounds ({@code store.memory.*}) and refused a new entry: the
 * caller answers 503 with this message, which names the bound. Entries already stored keep
 * working, and room comes back as entries expire; the heap never runs out instead.
 */
public final class StoreFull extends RuntimeException {
    public StoreFull(String message) {
        super(message, null, false, false);
    }
}

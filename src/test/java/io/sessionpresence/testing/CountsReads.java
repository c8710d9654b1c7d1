package io.sessionpresence.testing;

/** A test Redis, one server or a cluster, that counts the requests it reads. */
public interface CountsReads {

    /** {@code total_reads_processed} (a pipelined batch is one read), summed over every node. */
    long readsProcessed();

    /**
     * Round trips {@code work} made: the {@link #readsProcessed()} difference, less what the probes
     * themselves add (measured around no work). Background reads (Redisson's eviction task, pings)
     * would add to it, so callers that need an exact figure take the least of a few runs.
     */
    default long roundTripsDuring(Runnable work) {
        long before = readsProcessed();
        long probes = readsProcessed() - before;
        work.run();
        return readsProcessed() - before - 2 * probes;
    }
}

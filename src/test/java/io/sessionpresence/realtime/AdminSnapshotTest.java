package io.sessionpresence.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * Joins that come together share a snapshot read, and never one that began before they joined
 * (an event between that read and the join would be lost to them).
 */
class AdminSnapshotTest {
    @Test
    void joinsWaitingDuringAReadShareTheNextOne() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        CountDownLatch firstReadStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstRead = new CountDownLatch(1);
        AdminSnapshot snapshot = new AdminSnapshot(() -> {
            int read = reads.incrementAndGet();
            if (read == 1) {
                firstReadStarted.countDown();
                await(releaseFirstRead);
            }
            return Map.of("read", read);
        });
        try (ExecutorService joins = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Map<String, Object>> first = joins.submit(snapshot::take);
            assertTrue(firstReadStarted.await(5, TimeUnit.SECONDS));
            List<Future<Map<String, Object>>> later = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                later.add(joins.submit(snapshot::take));
            }
            Thread.sleep(200); // every later join is waiting for the read in progress to end
            releaseFirstRead.countDown();

            assertEquals(Map.of("read", 1), first.get(5, TimeUnit.SECONDS));
            Map<String, Object> shared = later.getFirst().get(5, TimeUnit.SECONDS);
            assertEquals(Map.of("read", 2), shared, "a read that began before the join is not shared with it");
            for (Future<Map<String, Object>> join : later) {
                assertSame(shared, join.get(5, TimeUnit.SECONDS));
            }
            assertEquals(2, reads.get(), "51 joins, two reads");
        }
    }

    @Test
    void joinsOneAfterAnotherEachGetAReadOfTheirOwn() {
        AtomicInteger reads = new AtomicInteger();
        AdminSnapshot snapshot = new AdminSnapshot(() -> Map.of("read", reads.incrementAndGet()));

        assertEquals(Map.of("read", 1), snapshot.take());
        assertEquals(Map.of("read", 2), snapshot.take());
    }

    @Test
    void aFailedReadFailsTheJoinsThatSharedItAndTheNextJoinReadsAgain() {
        AtomicInteger reads = new AtomicInteger();
        AdminSnapshot snapshot = new AdminSnapshot(() -> {
            if (reads.incrementAndGet() == 1) {
                throw new IllegalStateException("store down");
            }
            return Map.of("read", reads.get());
        });

        assertEquals("store down", assertThrows(IllegalStateException.class, snapshot::take).getMessage());
        assertEquals(Map.of("read", 2), snapshot.take());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.sessionpresence.connections;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionSlotsTest {
    private static final InetAddress FLOOD = InetAddress.getLoopbackAddress();

    @Test
    void refusedConnectionsFromAFullAddressNeverCountAgainstTheBoundInAll() throws Exception {
        AtomicInteger open = new AtomicInteger();
        ConnectionSlots slots = new ConnectionSlots(1000, 10, address -> false, open);
        for (int i = 0; i < 10; i++) {
            assertInstanceOf(ConnectionSlots.Admitted.class, slots.admit(FLOOD));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger refusedByAddress = new AtomicInteger();
        List<Thread> flood = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            flood.add(Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    if (slots.admit(FLOOD) instanceof ConnectionSlots.Refused refused && refused.perAddress()) {
                        refusedByAddress.incrementAndGet();
                    }
                }
            }));
        }
        int mostOpen = 0;
        long until = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < until) {
            mostOpen = Math.max(mostOpen, open.get());
        }
        running.set(false);
        for (Thread thread : flood) {
            thread.join();
        }
        assertTrue(refusedByAddress.get() > 1000, "refused: " + refusedByAddress);
        assertEquals(10, mostOpen, "the most counted in all while the address's refusals ran");
    }

    @Test
    void theBoundInAllRefusesWithoutKeepingTheAddressCounted() throws Exception {
        AtomicInteger open = new AtomicInteger();
        ConnectionSlots slots = new ConnectionSlots(2, 5, address -> false, open);
        InetAddress other = InetAddress.getByName("127.0.0.2");
        ConnectionSlots.Admitted first = (ConnectionSlots.Admitted) slots.admit(FLOOD);
        slots.admit(other);
        assertEquals(new ConnectionSlots.Refused(false), slots.admit(FLOOD));
        slots.release(first);
        for (int i = 0; i < 2; i++) {
            slots.release((ConnectionSlots.Admitted) slots.admit(FLOOD));
        }
        assertEquals(1, open.get());
    }
}

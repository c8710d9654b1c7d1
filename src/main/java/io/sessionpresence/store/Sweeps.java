package io.sessionpresence.store;

import java.time.Duration;
import java.util.function.IntUnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The timer of the Redis sweeps (sessions past their deadline, expired presence and activity). */
public final class Sweeps {
    private static final Logger LOG = Logger.getLogger(Sweeps.class.getName());

    private Sweeps() {
    }

    /**
     * Runs {@code sweep} (given {@code most}, it returns how many it took) every {@code every},
     * and again at once while it takes {@code most}, until the returned stop is run. A failed
     * sweep (Redis away) is retried at the next tick.
     */
    public static Runnable every(String name, Duration every, int most, IntUnaryOperator sweep) {
        Thread sweeper = Thread.ofPlatform().daemon().name(name).start(() -> {
            while (true) {
                try {
                    Thread.sleep(every);
                    int taken;
                    do {
                        taken = sweep.applyAsInt(most);
                    } while (taken >= most);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, name + " failed", e);
                }
            }
        });
        return sweeper::interrupt;
    }
}

package io.sessionpresence.connections;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The open client connections, counted in all and per client address, and whether one more may
 * open: at most {@code maxOpen} in all ({@code server.max-tcp-connections}) and
 * {@code maxPerAddress} from one address ({@code connections.max-per-address}), except from the
 * {@code exempt} addresses (a reverse proxy carries everyone's connections).
 */
final class ConnectionSlots {
    /** What {@link #admit} decided. */
    sealed interface Admission permits Admitted, Refused {
    }

    /** @param counted the address counted against its bound, or null for an exempt one */
    record Admitted(InetAddress counted) implements Admission {
    }

    /** @param perAddress whether the address's bound refused it (else the bound in all) */
    record Refused(boolean perAddress) implements Admission {
    }

    private static final Refused SERVER_FULL = new Refused(false);
    private static final Refused ADDRESS_FULL = new Refused(true);

    private final int maxOpen;
    private final int maxPerAddress;
    private final Predicate<String> exempt;
    private final AtomicInteger open;
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    /** @param open where the count in all is kept (a gauge reads it) */
    ConnectionSlots(int maxOpen, int maxPerAddress, Predicate<String> exempt, AtomicInteger open) {
        this.maxOpen = maxOpen;
        this.maxPerAddress = maxPerAddress;
        this.exempt = exempt;
        this.open = open;
    }

    /**
     * Counts a new connection from {@code address} in, or refuses it; an admitted one is
     * {@link #release}d once. The address's bound is taken first: a flood from one address then
     * never holds more than its bound of the count in all, not even for the moment its refused
     * connections are counted (measured: a flood's refusals waiting on one contended count pushed
     * another client's connection past the bound in all, a 503).
     */
    Admission admit(InetAddress address) {
        InetAddress counted = exempt.test(address.getHostAddress()) ? null : address;
        // Two connections admitted at once at the bound may both be refused: never one too many.
        if (counted != null && perAddress.merge(counted, 1, Integer::sum) > maxPerAddress) {
            releaseAddress(counted);
            return ADDRESS_FULL;
        }
        if (open.incrementAndGet() > maxOpen) {
            open.decrementAndGet();
            releaseAddress(counted);
            return SERVER_FULL;
        }
        return new Admitted(counted);
    }

    void release(Admitted admitted) {
        open.decrementAndGet();
        releaseAddress(admitted.counted());
    }

    private void releaseAddress(InetAddress counted) {
        if (counted != null) {
            perAddress.computeIfPresent(counted, (address, count) -> count == 1 ? null : count - 1);
        }
    }

    int maxOpen() {
        return maxOpen;
    }

    int maxPerAddress() {
        return maxPerAddress;
    }
}

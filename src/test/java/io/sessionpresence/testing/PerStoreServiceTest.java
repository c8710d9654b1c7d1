package io.sessionpresence.testing;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The skeleton of every store-parameterised test: the class runs once per {@link StoreKind},
 * with {@link #service} started for that store before its tests (with {@link #overrides()}) and
 * closed after them. One instance per store (per-class lifecycle), so the service and the store
 * are plain fields.
 *
 * <p>A class whose tests wait for expiry says so with {@link #memoryOnManualClock()}: its memory
 * services then run on {@link #clock}, and {@link #pass} advances that clock instead of sleeping.
 * Redis always runs on real time (it ends keys by its own clock), so there {@link #pass} sleeps.
 */
@ParameterizedClass
@EnumSource(StoreKind.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PerStoreServiceTest {
    @Parameter
    protected StoreKind store;

    /** The time of this class's memory services, when {@link #memoryOnManualClock()}. */
    protected final ManualClock clock = new ManualClock();

    /** This class's service on {@link #store}. */
    protected TestService service;

    /** Config overrides of {@link #service}. */
    protected Map<String, String> overrides() {
        return Map.of();
    }

    /** Whether memory services run on {@link #clock} rather than real time. */
    protected boolean memoryOnManualClock() {
        return false;
    }

    @BeforeParameterizedClassInvocation
    final void startService() {
        service = start(overrides());
    }

    @AfterParameterizedClassInvocation
    final void stopService() {
        service.close();
    }

    /** Another service on {@link #store} and this class's time, for settings of its own; the caller closes it. */
    protected final TestService start(Map<String, String> overrides) {
        return store == StoreKind.MEMORY && memoryOnManualClock()
                ? TestService.start(overrides, clock)
                : TestService.start(store, overrides);
    }

    /** Lets {@code time} pass for this class's services: advanced on the manual clock, waited for on real time. */
    protected final void pass(Duration time) throws InterruptedException {
        if (store == StoreKind.MEMORY && memoryOnManualClock()) {
            clock.advance(time);
        } else {
            Thread.sleep(time);
        }
    }
}

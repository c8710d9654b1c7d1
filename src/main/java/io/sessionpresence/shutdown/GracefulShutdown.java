package io.sessionpresence.shutdown;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.common.Weighted;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderValues;
import io.helidon.spi.HelidonShutdownHandler;
import io.helidon.webserver.http.Filter;

/**
 * The stop on SIGTERM, in order:
 * <ol>
 *   <li>readiness ({@link #readiness}) turns DOWN, and for {@link ShutdownSettings#drain} the
 *   server goes on serving, every response closing its connection ({@link #connectionClose}), so
 *   that a load balancer that follows readiness stops sending and keep-alive clients reconnect,
 *   to a ready instance;</li>
 *   <li>{@code stop}, given by {@code Main}: sockets closed with going-away, the server stopped
 *   (listener closed, requests in progress finished), the stores closed.</li>
 * </ol>
 * All of it within {@link ShutdownSettings#grace}: past it the JVM halts, so that the bound is one
 * an orchestrator can count on (Kubernetes' terminationGracePeriodSeconds, k8s/README.md).
 *
 * <p>It runs as a Helidon shutdown handler, inside Helidon's one JVM shutdown hook, which keeps
 * JUL logging open until the hook ends (a hook of our own would race the JDK's log reset and
 * lose the log lines of the stop). The web server registers no handler of its own
 * ({@code shutdownHook(false)}): it would stop the server first, before the drain and without
 * the going-away closes.
 */
public final class GracefulShutdown implements HelidonShutdownHandler, Weighted {
    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class.getName());
    /** Exit status when the stop overran its grace and was cut. */
    static final int OVERRAN = 1;

    private final ShutdownSettings settings;
    private volatile boolean draining;
    private volatile Runnable stop;

    public GracefulShutdown(ShutdownSettings settings) {
        this.settings = settings;
    }

    public ShutdownSettings settings() {
        return settings;
    }

    /** Runs {@code stop} after the drain when the JVM is asked to exit (SIGTERM, SIGINT, System.exit). */
    public void onExit(Runnable stop) {
        this.stop = stop;
        io.helidon.Main.addShutdownHandler(this);
    }

    /** Readiness check {@code shutdown}: UP until the stop begins. */
    public HealthCheck readiness() {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public String name() {
                return "shutdown";
            }

            @Override
            public HealthCheckResponse call() {
                return HealthCheckResponse.builder().status(!draining).detail("stopping", draining).build();
            }
        };
    }

    /** While draining, every response carries {@code Connection: close}. */
    public Filter connectionClose() {
        return (chain, req, res) -> {
            if (draining) {
                res.header(HeaderValues.CONNECTION_CLOSE);
            }
            chain.proceed();
        };
    }

    @Override
    public void shutdown() {
        long start = System.nanoTime();
        Thread.ofPlatform().daemon().name("shutdown-deadline").start(this::haltPastGrace);
        draining = true;
        LOG.info("Stopping: readiness DOWN; draining for " + settings.drain().toMillis() + " ms, all done within "
                + settings.grace().toMillis() + " ms");
        try {
            Thread.sleep(settings.drain());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop.run();
        LOG.info("Stopped in " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    private void haltPastGrace() {
        try {
            Thread.sleep(settings.grace());
        } catch (InterruptedException e) {
            return;
        }
        LOG.log(Level.SEVERE, "Stop still running after server.shutdown-grace " + settings.grace() + ": halting");
        Runtime.getRuntime().halt(OVERRAN);
    }

    /** Before the handlers of Helidon's own components (weight 100): the server must still be up to drain. */
    @Override
    public double weight() {
        return Weighted.DEFAULT_WEIGHT + 1;
    }
}

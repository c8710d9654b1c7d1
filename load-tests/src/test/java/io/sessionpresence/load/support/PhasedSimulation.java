package io.sessionpresence.load.support;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * A simulation made of phases that run one after another (warm-up, maximum throughput, fixed
 * rate, ...). Request names start with the phase ({@code max/validate}), and a one-user marker
 * between phases records the time and a Redis INFO reading, so the report can give each phase
 * its own throughput and Redis commands per request, with warm-up and set-up left out.
 */
public abstract class PhasedSimulation extends Simulation {
    /** One phase: populations started together; the first one's end ends the phase. */
    public record Phase(String name, List<PopulationBuilder> populations) {
        public Phase(String name, PopulationBuilder... populations) {
            this(name, List.of(populations));
        }
    }

    protected final Metrics metrics = new Metrics(System.getProperty("label", getClass().getSimpleName()));
    protected final Setup setup = new Setup();
    protected final String store = setup.store();
    protected final Targets targets = Targets.forStore(store);

    /**
     * The run's assertions: {@code correctness} always (no failed request; every response check
     * already fails its request); {@code speed} (latency and throughput targets) unless
     * {@code -DassertSpeed=false}, which the CI smoke uses on a shared machine: speed is judged by
     * run.sh, correctness everywhere.
     */
    protected static List<Assertion> assertions(List<Assertion> correctness, List<Assertion> speed) {
        List<Assertion> all = new ArrayList<>(correctness);
        if (Boolean.parseBoolean(LoadConfig.string("assertSpeed", "true"))) {
            all.addAll(speed);
        }
        return all;
    }

    /** The chain mark(p1) -> p1 -> mark(p2) -> p2 ... ; the last phase ends in {@link #after()}. */
    protected PopulationBuilder phases(Phase... phases) {
        PopulationBuilder next = null;
        for (int i = phases.length - 1; i >= 0; i--) {
            Phase phase = phases[i];
            List<PopulationBuilder> populations = new ArrayList<>(phase.populations());
            if (next != null) {
                populations.set(0, populations.getFirst().andThen(next));
            }
            next = marker(phase.name()).andThen(populations);
        }
        return next;
    }

    private PopulationBuilder marker(String phase) {
        return scenario("mark " + phase)
                .exec(session -> {
                    metrics.mark(phase);
                    return session;
                })
                .injectOpen(atOnceUsers(1));
    }

    /**
     * {@code connections} users, each repeating {@code body} on its own connection for
     * {@code duration}: the closed loop that measures maximum throughput at that concurrency. The
     * first user's start and the last one's end are recorded as the phase's active span, which
     * the report divides by (the marker window also holds Gatling's scheduling between phases).
     */
    protected PopulationBuilder closedLoop(String phase, Duration duration, ChainBuilder body) {
        return scenario(phase)
                .exec(session -> {
                    metrics.active(phase);
                    return session;
                })
                .during(duration).on(body)
                .exec(session -> {
                    metrics.active(phase);
                    return session;
                })
                .injectOpen(atOnceUsers(LoadConfig.connections()))
                .protocols(Api.protocol());
    }

    /** Requests in {@code seconds} at {@code share} of the ceiling (0 when the ceiling is unknown). */
    protected static long countAtShareOfCeiling(double share, Duration phase) {
        return (long) Math.floor(share * LoadConfig.ceiling() * phase.toSeconds());
    }

    @Override
    public void after() {
        metrics.put("store", store);
        metrics.write();
    }
}

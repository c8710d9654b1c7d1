package io.sessionpresence.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.helidon.webserver.http.HttpService;
import io.sessionpresence.cache.UserCacheStore;
import io.sessionpresence.session.SessionStore;
import io.sessionpresence.store.ExpiringEntries;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The architecture, as rules the build enforces (the README's Architecture section reads the
 * same): dependencies run one way, from {@code Main} through routes and socket handlers to
 * services, then stores; the admin-event contract and the JSON codec sit underneath everything.
 */
@AnalyzeClasses(packages = "io.sessionpresence", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String ROOT = "io.sessionpresence";

    /** No package, subpackages included, reaches back to one that reaches it. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching(ROOT + ".(**)").should().beFreeOfCycles();

    /** Stores keep entries; they know nothing of HTTP, sockets, the admin API or the service rules. */
    @ArchTest
    static final ArchRule storesStayStores = noClasses()
            .that().areAssignableTo(SessionStore.class)
            .or().areAssignableTo(UserCacheStore.class)
            .or().areAssignableTo(ExpiringEntries.class)
            .or().resideInAPackage(ROOT + ".store..")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".http..", ROOT + ".realtime..",
                    ROOT + ".admin..", ROOT + ".web..", ROOT + ".backend..", "io.helidon.webserver..")
            .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Service")
            .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Routes");

    /**
     * Routes and socket handlers go through services: none reaches into a store. The one store
     * role they use themselves, Engine.IO's record of which instance holds each polling session
     * ({@code store.ConnectionOwners}), they get from the backend as the interface, never one of
     * its implementations.
     */
    @ArchTest
    static final ArchRule routesUseServices = noClasses()
            .that().implement(HttpService.class)
            .or().resideInAPackage(ROOT + ".realtime..")
            .should().dependOnClassesThat().areAssignableTo(SessionStore.class)
            .orShould().dependOnClassesThat().areAssignableTo(UserCacheStore.class)
            .orShould().dependOnClassesThat().areAssignableTo(ExpiringEntries.class)
            .orShould().dependOnClassesThat().haveNameMatching(ROOT.replace(".", "\\.") + "\\.store\\.(Redis|Memory).*")
            .orShould().dependOnClassesThat().resideInAPackage("org.redisson..");

    /**
     * The admin-event contract depends only on the JSON codec and logging (and Redisson, to carry
     * events).
     */
    @ArchTest
    static final ArchRule eventsAreAContract = classes()
            .that().resideInAPackage(ROOT + ".events..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(ROOT + ".events..", ROOT + ".json..",
                    ROOT + ".logging..",
                    "java..", "org.redisson..", "com.fasterxml.jackson..");

    /** The JSON codec depends on nothing of ours. */
    @ArchTest
    static final ArchRule jsonIsALeaf = classes()
            .that().resideInAPackage(ROOT + ".json..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(ROOT + ".json..", "java..",
                    "com.fasterxml.jackson..");

    /** Log formats, request ids and the repeated-error limiter depend on nothing of ours: any package may log through them. */
    @ArchTest
    static final ArchRule loggingIsALeaf = classes()
            .that().resideInAPackage(ROOT + ".logging..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(ROOT + ".logging..", "java..",
                    "com.fasterxml.jackson..");

    /** Only Main chooses and builds the backend; everything else gets what it built. */
    @ArchTest
    static final ArchRule onlyMainBuildsTheBackend = classes()
            .that().resideInAPackage(ROOT + ".backend..")
            .should().onlyHaveDependentClassesThat().resideInAnyPackage(ROOT, ROOT + ".backend..");

    /**
     * The realtime core knows no wire protocol; the protocols build on it (and on the shared
     * transport: queues, WebSocket writer, heartbeat).
     */
    @ArchTest
    static final ArchRule realtimeCoreKnowsNoProtocol = noClasses()
            .that().resideInAPackage(ROOT + ".realtime")
            .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".realtime.engineio..",
                    ROOT + ".realtime.socketio..", ROOT + ".realtime.ws..");
}

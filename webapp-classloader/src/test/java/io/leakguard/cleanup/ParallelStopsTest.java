package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.fixture.shared.SharedEvictionTimer;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Contexts stop in parallel when a host has several start-stop threads, at server shutdown, or when several are
 * undeployed at once: each pass must fix its own application's leaks while the others fix theirs, on the same request
 * threads' ThreadLocal maps, the same shared Timer, DriverManager and the JVM's registries. Two of a kind where they
 * share what they leak into. Every application is collected, and no finding is warned or skipped.
 */
class ParallelStopsTest {

    /** Context path, fixture and the request that makes it leak. */
    private record App(String path, String fixture, String request) {
    }

    private static final List<App> APPS = List.of(
            new App("/value", "threadlocal-value", "/leak"),
            new App("/custom-a", "threadlocal-custom", "/leak"),
            new App("/custom-b", "threadlocal-custom", "/leak"),
            new App("/static-a", "threadlocal-static", "/leak"),
            new App("/static-b", "threadlocal-static", "/leak"),
            new App("/timer-a", "timer-shared", "/leak"),
            new App("/timer-b", "timer-shared", "/leak"),
            new App("/timer-own", "timer-own", "/leak"),
            new App("/threads", "thread-spawned", "/leak"),
            new App("/executor", "executor", "/leak"),
            new App("/driver-a", "jdbc-driver", "/leak"),
            new App("/driver-b", "jdbc-driver", "/leak"),
            new App("/provider", "jvm-registrations", "/leak?kind=provider"),
            new App("/julhandler", "jvm-registrations", "/leak?kind=julhandler"),
            new App("/gclistener", "jvm-registrations", "/leak?kind=gclistener"),
            new App("/mbean", "jvm-registrations", "/leak?kind=mbean"),
            new App("/logfactory", "commons-logging-factory", "/leak"));

    @AfterEach
    void newSharedTimerAndDefaults() {
        SharedEvictionTimer.shutdown();
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    void everyApplicationStoppedTogetherIsCollectedWithItsLeaksFixed() {
        // Seventeen passes share two cores with another test JVM: a check must not run out of time for that alone.
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("checkBudgetMillis", "60000"));
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            List<Context> contexts = new ArrayList<>();
            for (App app : APPS) {
                contexts.add(tomcat.deploy(app.fixture(), app.path(), true));
            }
            // Twice each, so that several request threads hold the ThreadLocals of several applications.
            for (int round = 0; round < 2; round++) {
                APPS.forEach(app -> tomcat.get(app.path() + app.request()));
            }

            List<WeakReference<ClassLoader>> loaders = tomcat.undeployTogether(contexts);

            for (int i = 0; i < APPS.size(); i++) {
                assertTrue(Gc.collected(loaders.get(i)), APPS.get(i).path() + "\n" + log.all());
            }
            for (App app : APPS) {
                List<String> summaries = log.messages().stream()
                        .filter(line -> line.contains("leakguard: [" + app.path() + "] stopped: ")).toList();
                assertEquals(1, summaries.size(), log.all());
                assertTrue(summaries.get(0).matches(".* stopped: [1-9]\\d* leaks fixed, 0 warned, 0 skipped in .*"),
                        summaries.get(0) + "\n" + log.all());
            }
        }
    }
}

package io.leakguard.cleanup;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.fixture.shared.SharedEvictionTimer;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Tomcat wiki's Timer scenarios on a real Tomcat: a pool evictor left on a library's JVM-wide timer by the first
 * of two web applications, and a web application's own timer. Leaked without leakguard, collected with it, and the
 * other application's task keeps running.
 */
class TimerTasksTest {

    private static final Duration TIMER_WAIT = Duration.ofSeconds(10);

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
        // The shared timer is JVM-wide: each test must start with one created by its own first web application.
        SharedEvictionTimer.shutdown();
    }

    @Test
    void firstWebappOfASharedTimerLeaksWithoutLeakGuard() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start()) {
            Context a = deployAndStartEvictor(tomcat, "/a", false);
            deployAndStartEvictor(tomcat, "/b", false);
            assertTrue(Gc.leaked(tomcat.undeploy(a)));
        }
    }

    @Test
    void firstWebappOfASharedTimerIsCollectedWhileTheOtherKeepsEvicting() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context a = deployAndStartEvictor(tomcat, "/a", true);
            Context b = deployAndStartEvictor(tomcat, "/b", true);
            WeakReference<ClassLoader> bLoader = new WeakReference<>(b.getLoader().getClassLoader());

            WeakReference<ClassLoader> aLoader = tomcat.undeploy(a);

            assertTrue(Gc.collected(aLoader), log.all());
            String warning = single(log.warnings("/a"));
            assertTrue(warning.contains("Timer leak: TimerTask io.leakguard.fixture.shared.Evictor@"), warning);
            assertTrue(warning.contains("scheduled on timer [" + SharedEvictionTimer.THREAD_NAME + "]; held through"
                    + " Evictor.eviction io.leakguard.fixture.timershared.PoolServlet$IdleObjectEviction@"), warning);
            assertTrue(warning.contains("fixed: task cancelled and purged; timer [" + SharedEvictionTimer.THREAD_NAME
                    + "] keeps running for its other 1 task(s); its thread's context class loader reset to the"
                    + " parent loader"), warning);
            assertEquals(List.of(), log.warnings("/b"));
            int evictions = count(tomcat, "/b");
            assertTrue(eventually(() -> count(tomcat, "/b") > evictions + 2), "B's evictor stopped running");
            assertNotNull(bLoader.get());
        }
    }

    @Test
    void firstWebappThatClosesItsPoolStillLeaksThroughTheTimerThreadWithoutLeakGuard() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start()) {
            Context a = deployAndStartEvictor(tomcat, "/a", false);
            deployAndStartEvictor(tomcat, "/b", false);
            tomcat.get("/a/leak?close");
            assertTrue(Gc.leaked(tomcat.undeploy(a)));
        }
    }

    @Test
    void firstWebappThatClosesItsPoolIsCollectedOnceTheTimerThreadIsReset() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context a = deployAndStartEvictor(tomcat, "/a", true);
            deployAndStartEvictor(tomcat, "/b", true);
            tomcat.get("/a/leak?close");

            WeakReference<ClassLoader> aLoader = tomcat.undeploy(a);

            assertTrue(Gc.collected(aLoader), log.all());
            String warning = single(log.warnings("/a"));
            assertTrue(warning.contains("Timer leak: timer [" + SharedEvictionTimer.THREAD_NAME + "] has the web"
                    + " application as its thread's context class loader and runs none of its tasks; on thread ["
                    + SharedEvictionTimer.THREAD_NAME + "]; fixed: no task cancelled; its thread's context class"
                    + " loader reset to the parent loader"), warning);
            int evictions = count(tomcat, "/b");
            assertTrue(eventually(() -> count(tomcat, "/b") > evictions + 2), "B's evictor stopped running");
        }
    }

    @Test
    void sharedTimerIsNotCancelledWhenTheStoppingWebappIsItsOnlyUser() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            WeakReference<ClassLoader> aLoader = tomcat.undeploy(deployAndStartEvictor(tomcat, "/a", true));

            assertTrue(Gc.collected(aLoader), log.all());
            assertTrue(single(log.warnings("/a")).contains("fixed: task cancelled and purged; timer ["
                    + SharedEvictionTimer.THREAD_NAME + "] keeps running, idle, for whoever schedules on it next"),
                    log.all());
            // A web application deployed later schedules on the same timer: it must not find it cancelled.
            deployAndStartEvictor(tomcat, "/b", true);
            assertTrue(eventually(() -> count(tomcat, "/b") > 2), "B's evictor does not run");
        }
    }

    @Test
    void webappOwnTimerLeaksWithoutLeakGuard() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start()) {
            Context app = tomcat.deploy("timer-own", "/app", false);
            timerThreadOf(tomcat);
            assertTrue(Gc.leaked(tomcat.undeploy(app)));
        }
    }

    @Test
    void webappOwnTimerIsCancelledAndItsThreadEnds() throws InterruptedException {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context app = tomcat.deploy("timer-own", "/app", true);
            Thread timerThread = timerThreadOf(tomcat);

            WeakReference<ClassLoader> loader = tomcat.undeploy(app);

            assertTrue(Gc.collected(loader), log.all());
            String warning = single(log.warnings("/app"));
            assertTrue(warning.contains("Timer leak: timer [" + timerThread.getName() + "] runs only tasks of the web"
                    + " application: io.leakguard.fixture.timerown.ReportServlet$RefreshReport@"), warning);
            assertTrue(warning.contains("fixed: timer cancelled as Timer.cancel() does, so its thread ends; its"
                    + " thread's context class loader reset to the parent loader"), warning);
            timerThread.join(TIMER_WAIT.toMillis());
            assertFalse(timerThread.isAlive(), "the web application's timer thread still runs");
        }
    }

    @Test
    void warnPolicyReportsAndLeavesTheTimer() {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("timers", Mode.WARN));
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start()) {
            Context app = tomcat.deploy("timer-own", "/app", true);
            Thread timerThread = timerThreadOf(tomcat);

            assertTrue(Gc.leaked(tomcat.undeploy(app)));
            // The timer thread's context class loader is another check's business, which still resets it.
            String warning = single(log.warnings("/app").stream().filter(w -> w.contains("] Timer leak: ")).toList());
            assertTrue(warning.contains(
                    "Timer leak: TimerTask io.leakguard.fixture.timerown.ReportServlet$RefreshReport@"), warning);
            assertTrue(warning.contains(" scheduled on timer [" + timerThread.getName() + "]"), warning);
            assertTrue(warning.endsWith("not fixed: left in place because leakguard setting timers=warn"), warning);
            assertTrue(timerThread.isAlive());
        }
    }

    /** Deploys timer-shared at {@code path} and makes its first request, which starts its evictor. */
    private static Context deployAndStartEvictor(EmbeddedTomcat tomcat, String path, boolean withLeakGuard) {
        Context context = tomcat.deploy("timer-shared", path, withLeakGuard);
        tomcat.get(path + "/leak");
        return context;
    }

    private static int count(EmbeddedTomcat tomcat, String path) {
        return Integer.parseInt(tomcat.get(path + "/leak?count"));
    }

    /** The thread timer-own's task runs on, once it has run. */
    private static Thread timerThreadOf(EmbeddedTomcat tomcat) {
        String[] name = new String[1];
        assertTrue(eventually(() -> !(name[0] = tomcat.get("/app/leak")).isEmpty()), "the task never ran");
        return Arrays.stream(LiveThreads.all()).filter(t -> t.getName().equals(name[0])).findFirst().orElseThrow();
    }

    private static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMER_WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}

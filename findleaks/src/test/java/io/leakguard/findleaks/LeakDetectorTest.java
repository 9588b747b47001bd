package io.leakguard.findleaks;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.LoadedClasses;
import io.leakguard.cleanup.Mode;
import io.leakguard.cleanup.Policy;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.catalina.Context;
import org.junit.jupiter.api.Test;

/** Find leaks on a real Tomcat, mostly with its stock class loader, so the fixtures' leaks are left in place. */
class LeakDetectorTest {

    private static final Duration NO_WATCHDOG = Duration.ofDays(1);

    @Test
    void threadLocalLeakIsListedAndExplained() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LeakDetector detector = new LeakDetector(NO_WATCHDOG)) {
            Instant started = Instant.now();
            WeakReference<ClassLoader> loader = deployUseUndeploy(tomcat, "threadlocal-value", false, detector,
                    started);

            List<LeakedWebapp> leaks = detector.findLeaks();

            assertEquals(1, leaks.size(), leaks.toString());
            LeakedWebapp leak = leaks.get(0);
            assertEquals("/app", leak.webapp());
            assertEquals(started, leak.started());
            if (LoadedClasses.CLASSES.available()) {
                assertTrue(leak.loadedClasses() >= 2, leak.toString());
            } else {
                assertEquals(-1, leak.loadedClasses(), leak.toString());
            }
            assertTrue(leak.heldBy().contains(" -> Thread.threadLocals -> "), leak.heldBy());
            assertEquals(List.of(1L, 0L, 1), List.of(detector.stoppedCount(), detector.collectedCount(),
                    detector.leakedCount()));
            LeakPath path = detector.explain("/app").orElseThrow(() -> new AssertionError("no path to the loader"));
            assertTrue(path.kind().startsWith("ThreadLocal"), path.text());
            assertTrue(path.oneLine().contains("Thread.threadLocals"), path.text());
            String last = path.links().get(path.cut()).to();
            assertTrue(last.startsWith("io.leakguard.fixture.threadlocalvalue.HolderValueServlet$Counter@"),
                    path.text());
            assertTrue(path.text().contains("Entry.value = io.leakguard.fixture.threadlocalvalue"
                    + ".HolderValueServlet$Counter@"), path.text());
            assertTrue(Gc.leaked(loader), "the explanation must not have freed the leak");
        }
    }

    @Test
    void explanationSaysWhereTheThreadLocalOfTheEntryToCutWasCreated() {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("threadLocals", Mode.OFF));
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LeakDetector detector = new LeakDetector(NO_WATCHDOG)) {
            WeakReference<ClassLoader> loader = deployUseUndeploy(tomcat, "threadlocal-static", true, detector,
                    Instant.now());

            LeakPath path = detector.explain("/app").orElseThrow(() -> new AssertionError("no path to the loader"));
            String servlet = "io.leakguard.fixture.threadlocalstatic.StaticThreadLocalServlet";
            // Both of the fixture's ThreadLocals hold a Visit; either entry is a shortest chain.
            List<String> sites = List.of(
                    Fixtures.site("threadlocal-static", servlet, "doGet", "LAST_VISIT.set(new Visit());"),
                    Fixtures.site("threadlocal-static", servlet, "<clinit>", "ThreadLocal.withInitial(Visit::new);"));
            String cut = path.links().get(path.cut() - 1).to();
            assertTrue(cut.startsWith("java.lang.ThreadLocal$ThreadLocalMap$Entry@"), path.text());
            assertTrue(sites.stream().anyMatch(site -> cut.endsWith(" (its ThreadLocal created at " + site + ")")),
                    path.text());
            assertTrue(Gc.leaked(loader), "the explanation must not have freed the leak");
        } finally {
            LeakGuardClassLoader.setPolicy(Policy.defaults());
        }
    }

    @Test
    void cleanWebappIsCollectedAndNeverListed() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LeakDetector detector = new LeakDetector(NO_WATCHDOG)) {
            WeakReference<ClassLoader> loader = deployUseUndeploy(tomcat, "clean", false, detector, Instant.now());

            assertEquals(List.of(), detector.findLeaks());
            assertEquals(List.of(1L, 1L, 0), List.of(detector.stoppedCount(), detector.collectedCount(),
                    detector.leakedCount()));
            assertTrue(detector.explain("/app").isEmpty());
            assertTrue(loader.refersTo(null));
        }
    }

    @Test
    void leakFixedByLeakGuardIsCollectedAndNotListed() {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LeakDetector detector = new LeakDetector(NO_WATCHDOG)) {
            WeakReference<ClassLoader> loader = deployUseUndeploy(tomcat, "threadlocal-value", true, detector,
                    Instant.now());

            assertEquals(List.of(), detector.findLeaks());
            assertEquals(1, detector.collectedCount());
            assertTrue(loader.refersTo(null));
        }
    }

    @Test
    void watchdogWarnsOnceWithTheChain() throws InterruptedException {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(); LogCapture log = LogCapture.start();
                LeakDetector detector = new LeakDetector(Duration.ofMillis(200))) {
            deployUseUndeploy(tomcat, "threadlocal-value", false, detector, Instant.now());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (log.warnings("/app").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            String warning = single(log.warnings("/app"));
            assertTrue(warning.matches("WARNING leakguard: \\[/app] still in memory \\d+ s after it stopped: its class "
                    + "loader( and its \\d+ classes)? survived forced garbage collection; held by live thread "
                    + "\"http-nio-127.0.0.1-auto-\\d+-exec-\\d+\" "
                    + "org.apache.tomcat.util.threads.TaskThread@\\p{XDigit}+"
                    + " -> Thread.threadLocals -> .*"
                    + "Entry.value \\(ThreadLocal \\(Thread.threadLocals\\)\\)"), warning);
        }
    }

    /**
     * Deploys, calls and undeploys a fixture at /app, telling the detector as the server listener will. The loader is
     * only held in this frame, so nothing of the test keeps it alive afterwards.
     */
    private static WeakReference<ClassLoader> deployUseUndeploy(EmbeddedTomcat tomcat, String fixture,
            boolean withLeakGuard, LeakDetector detector, Instant started) {
        Context context = tomcat.deploy(fixture, "/app", withLeakGuard);
        for (int i = 0; i < 4; i++) {
            tomcat.get("/app/leak");
        }
        ClassLoader loader = context.getLoader().getClassLoader();
        WeakReference<ClassLoader> reference = tomcat.undeploy(context);
        detector.stopped(loader, "/app", started);
        return reference;
    }
}

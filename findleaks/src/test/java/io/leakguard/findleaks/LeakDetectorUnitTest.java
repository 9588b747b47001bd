package io.leakguard.findleaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.SoftReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The detector's bookkeeping with plain class loaders standing in for web applications. */
class LeakDetectorUnitTest {

    private static final Duration NO_WATCHDOG = Duration.ofDays(1);

    @Test
    void trackingDoesNotKeepTheLoaderAlive() {
        try (LeakDetector detector = new LeakDetector(NO_WATCHDOG)) {
            detector.stopped(new URLClassLoader(new URL[0], null), "/gone##1", Instant.now());

            assertEquals(List.of(), detector.findLeaks());
            assertEquals(1, detector.collectedCount());
        }
    }

    /** An application object with a finalizer keeps its loader alive until the finalizer thread has run it. */
    public static final class Finalizable {
        /** HotSpot does not register objects whose finalize() is empty, so this one does something. */
        static final AtomicInteger FINALIZED = new AtomicInteger();

        @Override
        @SuppressWarnings({"deprecation", "removal"})
        protected void finalize() {
            FINALIZED.incrementAndGet();
        }
    }

    @Test
    void loaderWaitingForAFinalizerIsCollectedByEscalation() {
        try (LeakDetector detector = new LeakDetector(NO_WATCHDOG)) {
            stopWithFinalizableObject(detector);

            assertEquals(List.of(), detector.findLeaks());
            assertEquals(1, detector.collectedCount(), "only the finalization step can have freed it");
        }
    }

    private static void stopWithFinalizableObject(LeakDetector detector) {
        DefiningLoader loader = new DefiningLoader();
        loader.newInstance(Finalizable.class);
        detector.stopped(loader, "/finalizing", Instant.now());
    }

    /** An application object whose finalize() waits for good, as one waiting for a peer that no longer answers. */
    public static final class StuckFinalizer {
        static final CountDownLatch RELEASE = new CountDownLatch(1);

        @Override
        @SuppressWarnings({"deprecation", "removal"})
        protected void finalize() throws InterruptedException {
            RELEASE.await();
        }
    }

    @Test
    void aFinalizerThatNeverReturnsDoesNotHoldTheCheck() {
        ClassLoader held = new URLClassLoader(new URL[0], null);
        LeakDetector.Explainer nothingHolds = loaders -> Map.of(loaders.get(0).serial, Optional.empty());
        try (LeakDetector detector = new LeakDetector(NO_WATCHDOG, ForcedGc.standard(), nothingHolds,
                Clock.systemUTC())) {
            // The Finalizer thread waits in the first; the escalation's runFinalization() runs the others.
            for (int i = 0; i < 3; i++) {
                new StuckFinalizer();
            }
            detector.stopped(held, "/held", Instant.now());

            assertTimeoutPreemptively(Duration.ofSeconds(20), detector::findLeaks);
        } finally {
            StuckFinalizer.RELEASE.countDown();
        }
        assertTrue(held != null);
    }

    @Test
    void softlyReachableLoaderIsNotALeak() {
        SoftReference<ClassLoader> cache = new SoftReference<>(new URLClassLoader(new URL[0], null));
        try (LeakDetector detector = new LeakDetector(NO_WATCHDOG)) {
            detector.stopped(cache.get(), "/cached", Instant.now());

            assertEquals(List.of(), detector.findLeaks());
            assertTrue(detector.explain("/cached").isEmpty());
            assertEquals(0, detector.collectedCount(), "the soft reference was cleared: the test proves nothing");
        }
        assertTrue(cache.get() != null);
    }

    @Test
    void stronglyHeldLoaderIsListedWithItsVersion() {
        ClassLoader held = new URLClassLoader(new URL[0], null);
        try (LeakDetector detector = new LeakDetector(NO_WATCHDOG)) {
            Instant started = Instant.now();
            detector.stopped(held, "/shop##2", started);

            List<LeakedWebapp> leaks = detector.findLeaks();

            assertEquals(1, leaks.size());
            assertEquals("/shop##2", leaks.get(0).webapp());
            assertTrue(leaks.get(0).heldBy().startsWith("local variable in thread \"main\""), leaks.get(0).heldBy());
        }
        assertTrue(held != null);
    }

    /** A renewed thread frees an application a check proved held: the next check must not list it still. */
    @Test
    void aLoaderFreedAfterACheckIsNoLongerListed() {
        AtomicReference<ClassLoader> holder = new AtomicReference<>(new URLClassLoader(new URL[0], null));
        try (LeakDetector detector = new LeakDetector(NO_WATCHDOG)) {
            detector.stopped(holder.get(), "/renewed", Instant.now());
            assertEquals(List.of("/renewed"), detector.findLeaks().stream().map(LeakedWebapp::webapp).toList());

            holder.set(null);

            assertEquals(List.of(), detector.findLeaks());
            assertEquals(1, detector.collectedCount());
        }
    }

    @Test
    void survivorIsListedAsUnverifiedWhenTheHeapCannotBeDumped() {
        assertEquals("unknown (not verified: no heap dump: 10 MB free in /tmp, 300 MB needed)",
                heldByWhenTheExplanationFails(
                        new IllegalStateException("no heap dump: 10 MB free in /tmp, 300 MB needed")));
    }

    /** A dump the reader does not expect, or a bug of its own: the check still answers, and says it could not look. */
    @Test
    void survivorIsListedAsUnverifiedWhenTheAnalysisFails() {
        assertEquals("unknown (not verified: the analysis of the heap dump failed: java.lang."
                + "ArrayIndexOutOfBoundsException: Index 12 out of bounds for length 12)",
                heldByWhenTheExplanationFails(
                        new ArrayIndexOutOfBoundsException("Index 12 out of bounds for length 12")));
    }

    private static String heldByWhenTheExplanationFails(RuntimeException failure) {
        ClassLoader held = new URLClassLoader(new URL[0], null);
        LeakDetector.Explainer failing = loaders -> {
            throw failure;
        };
        try (LeakDetector detector = new LeakDetector(NO_WATCHDOG, ForcedGc.standard(), failing, Clock.systemUTC())) {
            detector.stopped(held, "/unknown", Instant.now());

            List<LeakedWebapp> leaks = detector.findLeaks();

            assertEquals(1, leaks.size());
            assertTrue(held != null);
            return leaks.get(0).heldBy();
        }
    }

    @Test
    void findLeaksAnswersAtOnceWhileAnExplanationRuns() throws Exception {
        ClassLoader held = new URLClassLoader(new URL[0], null);
        HeldExplainer slow = new HeldExplainer();
        try (LeakDetector detector = new LeakDetector(NO_WATCHDOG, ForcedGc.standard(), slow, Clock.systemUTC())) {
            detector.stopped(held, "/busy", Instant.now());
            List<LeakedWebapp> before = detector.lastLeaks();
            CompletableFuture<List<LeakedWebapp>> running = CompletableFuture.supplyAsync(detector::findLeaks);
            slow.awaitExplaining();

            assertSame(before, detector.findLeaks());
            assertThrows(IllegalStateException.class, () -> detector.explain("/busy"));

            slow.release();
            running.get(30, TimeUnit.SECONDS);
        }
        assertTrue(held != null);
    }

    @Test
    void recentCheckReusesTheLastOneWithinTheIntervalAndWaitsForOneThatRuns() throws Exception {
        ClassLoader held = new URLClassLoader(new URL[0], null);
        HeldExplainer slow = new HeldExplainer();
        MovableClock clock = new MovableClock();
        Duration interval = Duration.ofSeconds(10);
        try (LeakDetector detector = new LeakDetector(NO_WATCHDOG, ForcedGc.standard(), slow, clock)) {
            detector.stopped(held, "/busy", Instant.now());
            var first = CompletableFuture.supplyAsync(() -> recent(detector, interval));
            slow.awaitExplaining();
            var second = CompletableFuture.supplyAsync(() -> recent(detector, interval));
            slow.release();

            assertSame(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS), "waited for the running one");
            clock.now = clock.now.plus(interval.minusSeconds(1));
            assertSame(first.get(), detector.recentCheck(interval));
            assertEquals(1, detector.checkCount());
            clock.now = clock.now.plusSeconds(1);
            detector.recentCheck(interval);
            assertEquals(2, detector.checkCount());
        }
        assertTrue(held != null);
    }

    private static LeakDetector.Check recent(LeakDetector detector, Duration interval) {
        try {
            return detector.recentCheck(interval);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Time that moves only when the test says so. */
    private static final class MovableClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** An explanation that goes on until the test releases it, so a check can be caught while it runs. */
    private static final class HeldExplainer implements LeakDetector.Explainer {
        private final CountDownLatch explaining = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        @Override
        public Map<Long, Optional<LeakPath>> explain(List<TrackedLoader> loaders) {
            explaining.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of(loaders.get(0).serial, Optional.empty());
        }

        void awaitExplaining() throws InterruptedException {
            assertTrue(explaining.await(30, TimeUnit.SECONDS), "no check started");
        }

        void release() {
            release.countDown();
        }
    }
}

package io.leakguard.findleaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Leak chains read from a live heap dump, for leak kinds no fixture covers yet. */
class ExplainTest {

    /** Held from a static field, as a server library's registry would hold it. */
    static Object held;

    /** What the "web application" schedules on a server-wide Timer. */
    public static final class Task extends TimerTask {
        @Override
        public void run() {
        }
    }

    /** Any class of the "web application". */
    public static final class Value {
    }

    @Test
    void contextClassLoaderOfAThreadThatOutlivesTheApplication() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread thread = new Thread(() -> await(done), "left-behind");
        try {
            LeakPath path = explain(loader -> {
                thread.setContextClassLoader(loader);
                thread.start();
            });
            assertEquals("thread context class loader (Thread.contextClassLoader)", path.kind(), path.text());
            assertTrue(path.root().startsWith("live thread \"left-behind\""), path.text());
            assertTrue(path.text().endsWith("-> Thread.contextClassLoader = io.leakguard.findleaks.DefiningLoader@"
                    + path.links().get(path.cut()).to().split("@")[1] + "   <== cut this reference"), path.text());
        } finally {
            done.countDown();
            thread.join();
        }
    }

    @Test
    void staticFieldOfAServerClass() {
        try {
            LeakPath path = explain(loader -> held = loader.newInstance(Value.class));
            assertEquals("static field", path.kind(), path.text());
            assertTrue(path.oneLine().endsWith("-> static ExplainTest.held (static field)"), path.text());
            assertTrue(path.links().get(path.cut()).to().startsWith("io.leakguard.findleaks.ExplainTest$Value@"));
        } finally {
            held = null;
        }
    }

    @Test
    void taskOnASharedTimer() {
        Timer timer = new Timer("shared-timer", true);
        try {
            LeakPath path = explain(loader -> timer.schedule((TimerTask) loader.newInstance(Task.class),
                    Duration.ofHours(1).toMillis()));
            assertEquals("Timer task", path.kind(), path.text());
            // The timer thread waits with the next task in a local variable: the shortest chain is that one.
            assertTrue(path.root().startsWith("local variable in thread \"shared-timer\" holding "
                    + "io.leakguard.findleaks.ExplainTest$Task@"), path.text());
            assertTrue(path.text().contains("$Task@") && path.text().endsWith("   <== cut this reference"),
                    path.text());
        } finally {
            timer.cancel();
        }
    }

    /** Leaks a new "application" loader the way {@code leak} does; no frame of the test holds the loader after it. */
    private static LeakPath explain(Consumer<DefiningLoader> leak) {
        try (LeakDetector detector = new LeakDetector(Duration.ofDays(1))) {
            stopLeaking(detector, leak);
            return detector.explain("/app").orElseThrow(() -> new AssertionError("no chain found"));
        }
    }

    private static void stopLeaking(LeakDetector detector, Consumer<DefiningLoader> leak) {
        DefiningLoader loader = new DefiningLoader();
        leak.accept(loader);
        detector.stopped(loader, "/app", Instant.now());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

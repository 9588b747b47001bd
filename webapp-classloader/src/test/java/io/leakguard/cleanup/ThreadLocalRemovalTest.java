package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How entries are removed: on the cleaning thread itself, on another thread while it keeps running, and in the map a
 * registered shutdown hook copied when it was made.
 */
class ThreadLocalRemovalTest {

    private final DyingLoader loader = new DyingLoader();
    private final CleanupEngine engine = new CleanupEngine(List.of(new ThreadLocalEntries()));

    @Test
    void removesTheEntryOfTheCleaningThread() throws Exception {
        ThreadLocal<Object> local = new ThreadLocal<>();
        ThreadLocal<Object> unrelated = new ThreadLocal<>();
        local.set(List.of(loader.newMarker()));
        unrelated.set("kept");

        Report report = engine.clean(loader, "/t", Policy.defaults());

        assertEquals(1, report.count(Outcome.FIXED), report.findings().toString());
        assertNull(local.get());
        assertEquals("kept", unrelated.get());
    }

    @Test
    void removesTheEntryOfAnotherThreadThatKeepsWorking() throws Exception {
        ThreadLocal<Object> local = new ThreadLocal<>();
        ThreadLocal<Object> unrelated = new ThreadLocal<>();
        Object marker = loader.newMarker();
        CountDownLatch set = new CountDownLatch(1);
        CountDownLatch cleaned = new CountDownLatch(1);
        CompletableFuture<Object[]> seen = CompletableFuture.supplyAsync(() -> {
            local.set(marker);
            unrelated.set("kept");
            set.countDown();
            try {
                cleaned.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Object after = local.get();
            local.set("reused");
            return new Object[] {after, unrelated.get(), local.get()};
        }, runnable -> new Thread(runnable, "worker").start());
        set.await(10, TimeUnit.SECONDS);

        Report report = engine.clean(loader, "/t", Policy.defaults());
        cleaned.countDown();

        assertEquals(List.of("worker"), report.findings().get(0).threads());
        Object[] values = seen.get(10, TimeUnit.SECONDS);
        assertNull(values[0]);
        assertEquals("kept", values[1]);
        assertSame("reused", values[2]);
    }

    @Test
    void removesTheEntryAnotherOnesShutdownHookCopiedAndLeavesItRegistered() throws Exception {
        Thread hook = hookInheriting(loader.newMarker(), getClass().getClassLoader(), () -> { });
        try {
            Report report = engine.clean(loader, "/t", Policy.defaults());

            assertEquals(List.of("copying-hook (unstarted shutdown hook)"), report.findings().get(0).threads());
            assertEquals(1, report.count(Outcome.FIXED), report.findings().toString());
            assertEquals(List.of(), engine.clean(loader, "/t", Policy.defaults()).findings());
        } finally {
            assertTrue(Runtime.getRuntime().removeShutdownHook(hook), "the hook was unregistered");
        }
    }

    /** The dying application's own hook, by its task: all of it is the hook check's. */
    @Test
    void leavesTheDyingApplicationsOwnShutdownHookToTheHookCheck() throws Exception {
        Runnable own = (Runnable) loader.newInstance(DyingLoader.Chore.class);
        Thread hook = hookInheriting(loader.newMarker(), loader, own);
        try {
            assertEquals(List.of(), engine.clean(loader, "/t", Policy.defaults()).findings());
        } finally {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    /** A hook made while this thread held {@code value} in an inheritable ThreadLocal, which this thread then drops. */
    private static Thread hookInheriting(Object value, ClassLoader contextLoader, Runnable task) {
        InheritableThreadLocal<Object> local = new InheritableThreadLocal<>();
        local.set(value);
        Thread hook = new Thread(task, "copying-hook");
        local.remove();
        hook.setContextClassLoader(contextLoader);
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }
}

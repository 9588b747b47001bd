package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.tomcat.util.threads.TaskThread;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;

/**
 * The Tomcat behaviour {@link CleanThreads} exists for, on a bare Tomcat pool: a renewed thread's replacement is made
 * on the thread that ends and copies its inheritable ThreadLocals. Should a Tomcat release make replacements
 * elsewhere, the first test fails and says the wrapper can go.
 */
class CleanThreadsTest {

    private static final InheritableThreadLocal<String> CONTEXT = new InheritableThreadLocal<>();

    @Test
    void tomcatsPoolHandsARenewedThreadsInheritableThreadLocalsToItsReplacement() throws Exception {
        assertEquals("left by the renewed thread", valueSeenByReplacement(null));
    }

    @Test
    void madeThroughCleanThreadsTheReplacementInheritsNothing() throws Exception {
        try (CleanThreads clean = new CleanThreads()) {
            assertNull(valueSeenByReplacement(clean));
        }
    }

    /**
     * A worker that ends for renewal may have been interrupted on its way out, as Tomcat's pool wakes idle workers
     * with an interrupt; its replacement must still not be made on it.
     */
    @Test
    void anInterruptedAskingThreadStillHasItsThreadMadeElsewhere() throws Exception {
        try (CleanThreads clean = new CleanThreads()) {
            ThreadFactory factory = clean.around(Thread::new);
            AtomicReference<String> inherited = new AtomicReference<>("not run");
            AtomicReference<Thread> made = new AtomicReference<>();
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            Thread ending = new Thread(() -> {
                CONTEXT.set("left by the renewed thread");
                Thread.currentThread().interrupt();
                made.set(factory.newThread(() -> inherited.set(CONTEXT.get())));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            ending.start();
            ending.join(TimeUnit.SECONDS.toMillis(20));
            made.get().start();
            made.get().join(TimeUnit.SECONDS.toMillis(10));
            assertNull(inherited.get());
            assertTrue(stillInterrupted.get(), "the interrupt was not kept");
        }
    }

    private static String valueSeenByReplacement(CleanThreads clean) throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new TaskThreadFactory("renewed-", true, Thread.NORM_PRIORITY));
        if (clean != null) {
            pool.setThreadFactory(clean.around(pool.getThreadFactory()));
        }
        pool.setThreadRenewalDelay(0);
        try {
            Thread renewed = pool.submit(() -> {
                CONTEXT.set("left by the renewed thread");
                return Thread.currentThread();
            }).get(10, TimeUnit.SECONDS);
            // Tomcat renews the threads created before the stop, to the millisecond.
            TimeUnit.MILLISECONDS.sleep(5);
            pool.contextStopping();
            pool.submit(() -> { }).get(10, TimeUnit.SECONDS);
            renewed.join(TimeUnit.SECONDS.toMillis(10));
            Thread replacement = pool.submit(Thread::currentThread).get(10, TimeUnit.SECONDS);
            assertNotSame(renewed, replacement);
            assertTrue(replacement instanceof TaskThread, replacement.getClass().getName());
            return pool.submit(CONTEXT::get).get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }
}

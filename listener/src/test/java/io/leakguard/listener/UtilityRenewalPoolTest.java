package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link UtilityRenewal} on a bare JDK pool made as Tomcat makes its utility pool, where the threads to end and when
 * they are free are the test's to choose: the pool makes each replacement on the ending thread after the renewal has
 * thrown, so the pool's own factory must come back only after that, and only after the last of two renewals that
 * overlap.
 */
class UtilityRenewalPoolTest {

    private static final InheritableThreadLocal<String> CONTEXT = new InheritableThreadLocal<>();
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final int THREADS = 2;

    private final CleanThreads clean = new CleanThreads();
    private ScheduledThreadPoolExecutor pool;
    private ThreadFactory tomcats;

    @BeforeEach
    void startPool() {
        tomcats = new TaskThreadFactory("utility-", true, Thread.MIN_PRIORITY);
        pool = new ScheduledThreadPoolExecutor(THREADS, tomcats);
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
        clean.close();
    }

    @Test
    void theReplacementInheritsNothingAndTheFactoryComesBackOnceItIsMade() throws Exception {
        List<Thread> workers = leaveValueOnEveryWorker(null);
        UtilityRenewal renewal = new UtilityRenewal(pool, "/app", List.of(workers.get(0)), WITHIN, clean);
        renewal.start();
        renewal.get(10, TimeUnit.SECONDS);

        assertSame(tomcats, pool.getThreadFactory());
        assertFalse(workers.get(0).isAlive());
        assertEquals(List.of("left on " + workers.get(1).getName()), valuesOnEveryWorker());
    }

    @Test
    void overlappingRenewalsGiveTheFactoryBackAfterTheLast() throws Exception {
        CountDownLatch secondBusy = new CountDownLatch(1);
        List<Thread> workers = leaveValueOnEveryWorker(secondBusy);
        UtilityRenewal waitsForBusy = new UtilityRenewal(pool, "/app2", List.of(workers.get(1)), WITHIN, clean);
        UtilityRenewal endsIdle = new UtilityRenewal(pool, "/app", List.of(workers.get(0)), WITHIN, clean);
        waitsForBusy.start();
        endsIdle.start();
        endsIdle.get(10, TimeUnit.SECONDS);

        assertFalse(waitsForBusy.isDone());
        assertNotSame(tomcats, pool.getThreadFactory());

        secondBusy.countDown();
        waitsForBusy.get(10, TimeUnit.SECONDS);
        assertSame(tomcats, pool.getThreadFactory());
        assertEquals(List.of(), valuesOnEveryWorker());
    }

    @Test
    void aRenewalThatGivesUpGivesTheFactoryBack() throws Exception {
        CountDownLatch lastBusy = new CountDownLatch(1);
        try {
            List<Thread> workers = leaveValueOnEveryWorker(lastBusy);
            UtilityRenewal renewal = new UtilityRenewal(pool, "/app", List.of(workers.get(1)), Duration.ofMillis(300),
                    clean);
            renewal.start();
            renewal.get(10, TimeUnit.SECONDS);

            assertTrue(workers.get(1).isAlive());
            assertSame(tomcats, pool.getThreadFactory());
        } finally {
            lastBusy.countDown();
        }
    }

    /**
     * Tomcat shuts its utility pool down at once as the server stops, dropping the renewal's queued task; the factory
     * comes back when the server is destroyed.
     */
    @Test
    void theServersEndGivesTheFactoryBack() throws Exception {
        List<Thread> workers = leaveValueOnEveryWorker(new CountDownLatch(1));
        new UtilityRenewal(pool, "/app", List.of(workers.get(1)), WITHIN, clean).start();
        assertNotSame(tomcats, pool.getThreadFactory());

        pool.shutdownNow();
        clean.close();
        assertSame(tomcats, pool.getThreadFactory());
    }

    /**
     * Has each worker keep an inheritable value naming it, and returns the workers; the last stays busy until
     * {@code lastBusy} counts down, when there is one.
     */
    private List<Thread> leaveValueOnEveryWorker(CountDownLatch lastBusy) throws Exception {
        Thread[] workers = new Thread[THREADS];
        // The test thread is a party too: the workers are known once it passes.
        CyclicBarrier together = new CyclicBarrier(THREADS + 1);
        for (int i = 0; i < THREADS; i++) {
            int worker = i;
            pool.execute(() -> {
                CONTEXT.set("left on " + Thread.currentThread().getName());
                workers[worker] = Thread.currentThread();
                try {
                    together.await(10, TimeUnit.SECONDS);
                    if (lastBusy != null && worker == THREADS - 1) {
                        lastBusy.await(30, TimeUnit.SECONDS);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        together.await(10, TimeUnit.SECONDS);
        return List.of(workers);
    }

    /** The inheritable values the pool's workers hold, one task on each. */
    private List<String> valuesOnEveryWorker() throws Exception {
        CyclicBarrier together = new CyclicBarrier(THREADS);
        List<Future<String>> values = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            values.add(pool.submit(() -> {
                together.await(10, TimeUnit.SECONDS);
                return CONTEXT.get();
            }));
        }
        List<String> held = new ArrayList<>();
        for (Future<String> value : values) {
            String one = value.get(10, TimeUnit.SECONDS);
            if (one != null) {
                held.add(one);
            }
        }
        return held;
    }
}

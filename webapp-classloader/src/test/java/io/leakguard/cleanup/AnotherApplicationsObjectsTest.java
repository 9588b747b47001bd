package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * An application can hold another's object: one it was handed across contexts, or through a library they share. What
 * leads to the stopping application only through another application's ThreadLocal, value or task is that other
 * application's: removing or cancelling it could break an application that is still running, so it is only reported.
 */
class AnotherApplicationsObjectsTest {

    private static final String ENTRY_LEFT = "another application's entry leads to this application, and removing it"
            + " could break that application; left in place";

    private final DyingLoader dying = new DyingLoader();
    private final DyingLoader other = new DyingLoader();

    @Test
    void anotherApplicationsValueOfAServerThreadLocalIsLeftInPlace() throws Exception {
        ThreadLocal<Object> server = new ThreadLocal<>();
        Object value = holding(other.newInstance(ApplicationListener.class), dying.newMarker());
        server.set(value);
        try {
            Finding finding = Passes.single(dying, "ThreadLocal");
            assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
            assertEquals(ENTRY_LEFT, finding.action());
            assertSame(value, server.get());
        } finally {
            server.remove();
        }
    }

    @Test
    void anotherApplicationsThreadLocalIsLeftInPlace() throws Exception {
        @SuppressWarnings("unchecked")
        ThreadLocal<Object> others = (ThreadLocal<Object>) other.newInstance(ApplicationThreadLocal.class);
        Object marker = dying.newMarker();
        others.set(marker);
        try {
            Finding finding = Passes.single(dying, "ThreadLocal");
            assertEquals(ENTRY_LEFT, finding.action(), finding.message());
            assertSame(marker, others.get());
        } finally {
            others.remove();
        }
    }

    /** A library's ThreadLocal that both applications use, on two request threads. */
    @Test
    void oneServerThreadLocalHoldingEachApplicationsValueIsClearedOnlyWhereTheValueIsTheStoppingOnes()
            throws Exception {
        ThreadLocal<Object> server = new ThreadLocal<>();
        Object others = holding(other.newInstance(ApplicationListener.class), dying.newMarker());
        server.set(others);
        CountDownLatch set = new CountDownLatch(1);
        CountDownLatch judged = new CountDownLatch(1);
        AtomicReference<Object> left = new AtomicReference<>();
        Thread requestThread = new Thread(() -> {
            try {
                server.set(dying.newMarker());
                set.countDown();
                judged.await();
                left.set(server.get());
            } catch (Exception e) {
                left.set(e);
            }
        });
        requestThread.start();
        try {
            set.await();
            List<Finding> findings = Passes.findings(dying, "ThreadLocal");
            assertEquals(List.of(Outcome.FIXED, Outcome.WARNED),
                    findings.stream().map(Finding::outcome).sorted().toList(), findings::toString);
            assertSame(others, server.get());
        } finally {
            judged.countDown();
            requestThread.join();
            server.remove();
        }
        assertEquals(null, left.get());
    }

    @Test
    void theStoppingApplicationsThreadLocalIsClearedWhateverItHolds() throws Exception {
        @SuppressWarnings("unchecked")
        ThreadLocal<Object> own = (ThreadLocal<Object>) dying.newInstance(ApplicationThreadLocal.class);
        own.set(holding(other.newInstance(ApplicationListener.class), dying.newMarker()));
        Finding finding = Passes.single(dying, "ThreadLocal");
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals(null, own.get());
    }

    /** On a timer every application shares, as a library's static timer is. */
    @Test
    void anotherApplicationsTimerTaskIsLeftWhileTheStoppingOnesIsCancelled() throws Exception {
        Timer shared = new Timer("shared", true);
        try {
            TimerTask others = (TimerTask) holding(other.newInstance(ApplicationTask.class), dying.newMarker());
            TimerTask own = (TimerTask) dying.newInstance(ApplicationTask.class);
            shared.schedule(others, 60_000);
            shared.schedule(own, 60_000);

            List<Finding> findings = Passes.findings(dying, "Timer");
            assertEquals(2, findings.size(), findings::toString);
            Finding left = findings.stream().filter(f -> f.outcome() == Outcome.WARNED).findFirst().orElseThrow();
            assertTrue(left.what().startsWith("TimerTask " + Describe.object(others)), left.message());
            assertEquals("another application's task leads to this application, and cancelling it would stop that"
                    + " application's work; left in place", left.action());
            // cancel() is true only for a task still scheduled: the other application's, not the stopping one's.
            assertTrue(others.cancel(), "the other application's task was cancelled");
            assertEquals(false, own.cancel(), "the stopping application's task is still scheduled");
        } finally {
            shared.cancel();
        }
    }

    private static Object holding(Object holder, Object held) throws ReflectiveOperationException {
        holder.getClass().getField("held").set(holder, held);
        return holder;
    }
}

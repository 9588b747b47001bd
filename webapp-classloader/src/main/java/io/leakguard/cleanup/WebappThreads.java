package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.sites.CreationSites;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Threads the web application started and left running: their class, their task, their thread group or the code they
 * run is the web application's. Tomcat finds them only by their context class loader, so a thread started with none
 * escapes it; and by default it only warns. A shared thread known only by the code it runs, whose task leads to another
 * application as well, is only reported: a stack frame names a class, not its loader.
 *
 * <p>The fix interrupts them and waits, within one bounded time for all, for them to end. A thread that ignores the
 * interrupt is reported and left running: {@code Thread.stop()} can leave locks and shared state broken for the whole
 * server (and is gone from recent JDKs). Its context class loader is still reset so that at least that link is cut.
 */
final class WebappThreads implements LeakCheck {

    @Override
    public String id() {
        return "threads";
    }

    @Override
    public String kind() {
        return "Thread";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        return ThreadTies.needs();
    }

    @Override
    public void run(Scan scan) {
        ThreadTies ties = new ThreadTies(scan);
        Map<Thread, String> found = new LinkedHashMap<>();
        for (Thread thread : LiveThreads.all()) {
            if (thread == Thread.currentThread() || ThreadTies.inPool(thread)) {
                continue;
            }
            ThreadTies.Tie tie = ties.tie(thread);
            if (tie != null && tie.interruptible()) {
                found.put(thread, tie.clause());
            } else if (tie != null) {
                leak(scan, thread, tie.clause()).warned("not interrupted, since it may be running that application's"
                        + " code" + (scan.fixing() ? releaseContextLoader(scan, thread) : ""));
            }
        }
        if (!scan.fixing()) {
            found.forEach((thread, tie) -> leak(scan, thread, tie).warned(scan.policyReason()));
            return;
        }
        Map<Thread, String> failedInterrupts = new IdentityHashMap<>();
        found.keySet().forEach(thread -> interrupt(thread, failedInterrupts));
        long waited = awaitEnd(found.keySet(), scan.policy().threadStopWait().toMillis());
        found.forEach((thread, tie) -> {
            String failed = failedInterrupts.getOrDefault(thread, "");
            if (!thread.isAlive()) {
                leak(scan, thread, tie).fixed("interrupted; it ended" + failed);
                return;
            }
            leak(scan, thread, tie).warned("still running after interrupt and " + waited
                    + " ms; stop it in contextDestroyed: until it ends it keeps the web application's classes in memory"
                    + releaseContextLoader(scan, thread) + failed);
        });
    }

    /**
     * A thread subclass's interrupt() is the application's code, which closes what the thread blocks on, as the
     * textbook has it, and may fail on what the application's stop closed already: that must not keep the application's
     * other threads from being interrupted.
     */
    private static void interrupt(Thread thread, Map<Thread, String> failed) {
        try {
            thread.interrupt();
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            failed.put(thread, "; its interrupt() failed with " + e);
        }
    }

    /** At least that link is cut from a thread left running; says so, as the end of a message. */
    private static String releaseContextLoader(Scan scan, Thread thread) {
        if (!scan.ownership().owns(thread.getContextClassLoader())) {
            return "";
        }
        thread.setContextClassLoader(scan.ownership().replacement());
        return " (its context class loader was reset)";
    }

    private static Scan.Leak leak(Scan scan, Thread thread, String tie) {
        return scan.leak("thread \"" + thread.getName() + "\" (" + thread.getClass().getName() + "), " + tie)
                .onThreads(List.of(thread.getName())).createdAt(CreationSites.of(thread));
    }

    /** Waits for all of them within {@code budgetMillis} in total; returns the milliseconds it waited. */
    private static long awaitEnd(Iterable<Thread> threads, long budgetMillis) {
        long start = System.nanoTime();
        long deadline = start + budgetMillis * 1_000_000;
        try {
            for (Thread thread : threads) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                thread.join(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}

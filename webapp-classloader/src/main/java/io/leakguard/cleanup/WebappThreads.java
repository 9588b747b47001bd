package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.sites.CreationSites;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
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

    private record Found(Thread thread, String tie) {
    }

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
    public void run(Scan scan) throws InterruptedException {
        ThreadTies ties = new ThreadTies(scan);
        // A list, not a map keyed by thread: a thread subclass's equals and hashCode are the application's code.
        List<Found> found = new ArrayList<>();
        for (Thread thread : LiveThreads.all()) {
            if (thread == Thread.currentThread() || ThreadTies.inPool(thread)) {
                continue;
            }
            ThreadTies.Tie tie = ties.tie(thread);
            if (tie != null && tie.interruptible()) {
                found.add(new Found(thread, tie.clause()));
            } else if (tie != null) {
                leak(scan, thread, tie.clause()).warned("not interrupted, since it may be running that application's"
                        + " code" + (scan.fixing() ? releaseContextLoader(scan, thread) : ""));
            }
        }
        if (!scan.fixing()) {
            found.forEach(each -> leak(scan, each.thread(), each.tie()).warned(scan.policyReason()));
            return;
        }
        Duration wait = scan.policy().threadStopWait();
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        Map<Thread, String> interrupts = new IdentityHashMap<>();
        for (Found each : found) {
            interrupts.put(each.thread(), interrupt(each.thread(), deadline, wait));
        }
        awaitEnd(found, deadline);
        long waited = (System.nanoTime() - start) / 1_000_000;
        for (Found each : found) {
            Thread thread = each.thread();
            if (!thread.isAlive()) {
                leak(scan, thread, each.tie()).fixed("interrupted; it ended" + interrupts.get(thread));
                continue;
            }
            leak(scan, thread, each.tie()).warned("still running after interrupt and " + waited
                    + " ms; stop it in contextDestroyed: until it ends it keeps the web application's classes in memory"
                    + releaseContextLoader(scan, thread) + interrupts.get(thread));
        }
    }

    /**
     * A thread subclass's interrupt() is the application's code, which closes what the thread blocks on, as the
     * textbook has it: that may fail on what the application's stop closed already, or block on a peer that no longer
     * answers. Either must not keep the application's other threads from being interrupted, nor the pass for longer
     * than it waits for threads to stop. Says what became of the call, as the end of a message.
     */
    private static String interrupt(Thread thread, long deadline, Duration wait) throws InterruptedException {
        BoundedCall call = BoundedCall.run("leakguard-interrupt-thread", thread::interrupt, BoundedCall.left(deadline));
        return call.returned() ? "" : "; its interrupt() " + call.notReturned(wait);
    }

    /** At least that link is cut from a thread left running; says so, as the end of a message. */
    private static String releaseContextLoader(Scan scan, Thread thread) {
        if (!scan.ownership().owns(ThreadAccess.contextClassLoader(thread))) {
            return "";
        }
        ThreadAccess.setContextClassLoader(thread, scan.ownership().replacement());
        return " (its context class loader was reset)";
    }

    private static Scan.Leak leak(Scan scan, Thread thread, String tie) {
        return scan.leak("thread \"" + thread.getName() + "\" (" + thread.getClass().getName() + "), " + tie)
                .onThreads(List.of(thread.getName())).createdAt(CreationSites.of(thread));
    }

    private static void awaitEnd(List<Found> found, long deadline) {
        try {
            for (Found each : found) {
                LiveThreads.awaitEnd(each.thread(), deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

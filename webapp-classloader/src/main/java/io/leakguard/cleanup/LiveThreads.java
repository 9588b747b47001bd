package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.Arrays;

/** The live platform threads of the JVM, listed without taking their stack traces. */
public final class LiveThreads {

    /**
     * The JVM's own list, which {@code Thread.getAllStackTraces} reads: it also has the Java threads the JVM starts
     * itself, which no thread group lists, JFR's recorder thread among them.
     */
    private static final InternalMethod GET_THREADS = JdkInternals.method("java.lang.Thread", "getThreads");

    private static final long POLL_MILLIS = 10;

    private LiveThreads() {
    }

    public static Thread[] all() {
        if (GET_THREADS.available()) {
            return (Thread[]) GET_THREADS.invoke(null);
        }
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count;
        // enumerate() silently drops threads that do not fit, so grow until they all do.
        while ((count = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        return Arrays.copyOf(threads, count);
    }

    /**
     * Waits until {@code thread} has ended or {@code deadline}, a {@link System#nanoTime()}, asking whether it is
     * alive: join() first takes the thread's monitor, which a thread subclass's synchronized run() holds while it runs.
     */
    static void awaitEnd(Thread thread, long deadline) throws InterruptedException {
        while (thread.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS);
        }
    }
}

package io.leakguard.cleanup;

import java.util.Arrays;

/** The live platform threads of the JVM, listed without taking their stack traces. */
public final class LiveThreads {

    private LiveThreads() {
    }

    public static Thread[] all() {
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
}

package io.leakguard.testing;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Proves garbage collection: a weak reference cleared after forced collections within a bounded time. Forced through
 * the GC.run diagnostic command, which HotSpot runs even under -XX:+DisableExplicitGC: the listener's admin tests run
 * under that flag, and a test picked with -Dtest runs there too.
 */
public final class Gc {

    /** Long enough for a collectable loader to go on a busy two-core machine; a leaked one never goes. */
    public static final Duration COLLECT_WITHIN = Duration.ofSeconds(10);
    /** How long a leak must hold to count as one. Strong references survive any number of collections. */
    public static final Duration LEAK_HOLDS_FOR = Duration.ofSeconds(2);
    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

    private Gc() {
    }

    public static boolean collected(WeakReference<?> reference, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            collect();
            if (reference.get() == null) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        } while (System.nanoTime() < deadline);
        return reference.get() == null;
    }

    public static boolean collected(WeakReference<?> reference) {
        return collected(reference, COLLECT_WITHIN);
    }

    public static boolean leaked(WeakReference<?> reference) {
        return !collected(reference, LEAK_HOLDS_FOR);
    }

    /** One full collection, forced. */
    public static void collect() {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(DIAGNOSTIC_COMMAND), "gcRun",
                    new Object[] {null}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("GC.run failed", e);
        }
    }
}

package io.leakguard.findleaks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Forces garbage collection until a condition holds, escalating step by step, and gives up after a bounded number of
 * steps. {@code System.gc()} alone is not enough: servers often run with {@code -XX:+DisableExplicitGC}, which turns
 * it into a no-op, and one collection does not clear what is softly reachable or still waiting for a finalizer or a
 * Cleaner. So the answer "still there" is only given after every step below failed.
 *
 * <p>The last step, heap pressure, is the only way to make the JVM clear soft references at once, but for a moment the
 * heap is nearly full and another thread's allocation may fail; so it is off by default, and {@link LeakDetector}
 * instead checks in a heap dump whether a survivor is strongly reachable at all.
 */
public final class ForcedGc {

    /** The GC.run diagnostic command; HotSpot runs it even where -XX:+DisableExplicitGC ignores System.gc(). */
    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";
    /** The finalizer queue is the JVM's: one call at a time for every instance. */
    private static Thread finalizing;

    private final Duration settle;
    private final boolean heapPressure;
    private final Runnable collector;

    /**
     * @param settle how long each step waits for reference processing, finalizers and Cleaners to catch up
     * @param heapPressure whether the last step fills the heap so that the JVM clears soft references
     */
    public ForcedGc(Duration settle, boolean heapPressure) {
        this.settle = settle;
        this.heapPressure = heapPressure;
        this.collector = diagnosticCommandOrSystemGc();
    }

    public static ForcedGc standard() {
        return new ForcedGc(Duration.ofMillis(500), false);
    }

    /**
     * Collects until {@code done} holds: a full collection, then finalizers and another collection, then (if enabled)
     * heap pressure that makes the JVM clear soft references (it must before it throws OutOfMemoryError).
     *
     * @return whether {@code done} held in the end
     */
    public boolean until(BooleanSupplier done) {
        if (collectAndWait(done)) {
            return true;
        }
        runFinalization();
        if (collectAndWait(done) || !heapPressure) {
            return done.getAsBoolean();
        }
        fillHeapUntil(done);
        return collectAndWait(done);
    }

    /** One forced collection, without escalation; cheap enough to re-check loaders already known to be leaked. */
    public void collect() {
        collector.run();
    }

    private boolean collectAndWait(BooleanSupplier done) {
        collector.run();
        long deadline = System.nanoTime() + settle.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            pause(10);
        }
        return true;
    }

    /**
     * Objects with finalize() keep everything they reach alive until the finalizer thread has run them. But
     * System.runFinalization() runs the pending ones on a thread it joins for good, and an application's finalize()
     * that never returns would hold the check, and every Find leaks request after it: it is waited for up to
     * {@code settle}, and while one still runs no other is started, so a stuck finalizer costs one thread.
     */
    private void runFinalization() {
        Thread running;
        synchronized (ForcedGc.class) {
            if (finalizing == null || !finalizing.isAlive()) {
                finalizing = new Thread(null, ForcedGc::runPendingFinalizers, "leakguard-run-finalization", 0, false);
                finalizing.setDaemon(true);
                // Else it, and the JDK's secondary finalizer thread it starts, would keep the context loader of the
                // caller, a request thread's web application loader, for as long as a finalizer is stuck.
                finalizing.setContextClassLoader(ClassLoader.getSystemClassLoader());
                finalizing.start();
            }
            running = finalizing;
        }
        try {
            running.join(Math.max(1, settle.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for finalizers", e);
        }
    }

    @SuppressWarnings("removal")
    private static void runPendingFinalizers() {
        System.runFinalization();
    }

    /**
     * Soft references survive ordinary full collections for up to SoftRefLRUPolicyMSPerMB milliseconds per free
     * megabyte; the JVM only clears them all before giving up on an allocation. Allocating in slices of the heap and
     * stopping at the first sign of success keeps the window in which the heap is nearly full short.
     */
    private static void fillHeapUntil(BooleanSupplier done) {
        long slice = Math.max(1 << 20, Runtime.getRuntime().maxMemory() / 32);
        int maxSlices = 40;
        List<long[]> ballast = new ArrayList<>();
        try {
            for (int i = 0; i < maxSlices && !done.getAsBoolean(); i++) {
                ballast.add(new long[(int) Math.min(Integer.MAX_VALUE - 8, slice / Long.BYTES)]);
            }
        } catch (OutOfMemoryError expected) {
            // The JVM cleared every soft reference before throwing this; the ballast goes with the return.
        } finally {
            ballast.clear();
        }
    }

    private static Runnable diagnosticCommandOrSystemGc() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = new ObjectName(DIAGNOSTIC_COMMAND);
            if (server.isRegistered(name)) {
                return () -> gcRun(server, name);
            }
        } catch (JMException notHotSpot) {
            // Fall through: a JVM without diagnostic commands still has System.gc().
        }
        return System::gc;
    }

    private static void gcRun(MBeanServer server, ObjectName name) {
        try {
            server.invoke(name, "gcRun", new Object[] {null}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("GC.run diagnostic command failed", e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for garbage collection", e);
        }
    }
}

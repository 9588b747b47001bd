package io.leakguard.findleaks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs in its own JVM with -XX:+DisableExplicitGC (see the pom), where System.gc() does nothing. */
@Tag("disable-explicit-gc")
class ForcedGcTest {

    private final ForcedGc gc = new ForcedGc(Duration.ofMillis(300), true);

    @Test
    void theJvmReallyIgnoresSystemGc() {
        assertTrue(ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+DisableExplicitGC"));
        WeakReference<Object> weak = new WeakReference<>(new Object[1024]);
        System.gc();
        // Proves the flag is on, so that the tests below show gcRun working where System.gc() does not.
        assertNotNull(weak.get(), "System.gc() collected although explicit GC is disabled");
    }

    @Test
    void weaklyReachableObjectIsCleared() {
        WeakReference<Object> weak = new WeakReference<>(new Object[1024]);
        assertTrue(gc.until(() -> weak.get() == null));
    }

    @Test
    void softlyReachableObjectIsClearedByEscalation() {
        SoftReference<Object> soft = new SoftReference<>(new Object[1024]);
        gc.collect();
        assertNotNull(soft.get(), "an ordinary collection cleared the soft reference: the test proves nothing");
        assertFalse(new ForcedGc(Duration.ofMillis(300), false).until(() -> soft.get() == null),
                "without heap pressure a recently used soft reference survives: the detector must not rely on it");
        assertTrue(gc.until(() -> soft.get() == null));
    }

    @Test
    void stronglyReachableObjectSurvivesEveryStep() {
        Object strong = new Object[1024];
        WeakReference<Object> weak = new WeakReference<>(strong);
        assertFalse(gc.until(() -> weak.get() == null));
        assertNotNull(strong);
    }
}

package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Sizing what a static field keeps reads it as Reach does: without waiting for anyone's monitor. */
class RetainedSizeTest {

    private final DyingLoader dying = new DyingLoader();

    /** Any code may hold a Hashtable's monitor, for as long as it likes: a thread of the application, say. */
    @Test
    void aHashtableIsSizedWhileAnotherThreadHoldsItsMonitor() throws Exception {
        Map<String, Object> entries = new Hashtable<>(Map.of("buffer", new byte[1024 * 1024]));
        CallbackGate gate = CallbackGate.fresh();
        Thread holder = new Thread(() -> {
            synchronized (entries) {
                gate.running.countDown();
                gate.awaitRelease();
            }
        });
        holder.start();
        Class<?> cache = dying.newInstance(ApplicationCache.class).getClass();
        try {
            assertTrue(gate.running.await(10, TimeUnit.SECONDS));
            cache.getField("entries").set(null, entries);

            List<Finding> findings = Passes.waitingForCode(dying, "Static field");

            assertEquals(1, findings.size(), findings::toString);
            assertTrue(findings.get(0).what().startsWith(ApplicationCache.class.getName()
                    + ".entries (java.util.Map) retains about 1.0 MiB"), findings::toString);
        } finally {
            gate.release.countDown();
            holder.join();
            cache.getField("entries").set(null, null);
        }
    }

    /** Listing the fields of a class with a field of a library the application does without fails. */
    @Test
    void anObjectWhoseFieldsCannotBeListedLeavesTheRestToBeSized() throws Exception {
        WithoutOptionalDependency partial = new WithoutOptionalDependency();
        Object plugin = partial.newInstance(ApplicationPlugin.class);
        partial.newInstance(ApplicationCache.class).getClass().getField("entries")
                .set(null, new HashMap<>(Map.of("plugin", plugin, "buffer", new byte[1024 * 1024])));

        List<Finding> findings = Passes.findings(partial, "Static field");

        assertEquals(1, findings.size(), findings::toString);
        assertTrue(findings.get(0).what().startsWith(ApplicationCache.class.getName()
                + ".entries (java.util.Map) retains about 1.0 MiB"), findings::toString);
    }
}

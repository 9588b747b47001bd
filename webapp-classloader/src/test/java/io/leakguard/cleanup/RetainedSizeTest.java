package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Sizing what a static field keeps reads it as Reach does: without waiting for anyone's monitor. */
class RetainedSizeTest {

    private final DyingLoader dying = new DyingLoader();

    /** Any code may hold a Hashtable's monitor, for as long as it likes: a thread of the application, say. */
    @Test
    void aHashtableIsSizedWhileAnotherThreadHoldsItsMonitor() throws Exception {
        Map<String, Object> entries = new Hashtable<>(Map.of("buffer", new byte[1024 * 1024]));
        assertSizedWhile(gate -> {
            synchronized (entries) {
                gate.running.countDown();
                gate.awaitRelease();
            }
        }, "entries", entries, "java.util.Map");
    }

    /**
     * A blocking queue iterates under its lock, which its own methods hold while they run the application's code: an
     * action given to forEach that waits for a peer, say.
     */
    @Test
    void anArrayBlockingQueueIsSizedWhileItsForEachWaits() throws Exception {
        ArrayBlockingQueue<Object> pending = new ArrayBlockingQueue<>(4, false, List.of(new byte[1024 * 1024]));
        assertSizedWhile(gate -> pending.forEach(message -> {
            gate.running.countDown();
            gate.awaitRelease();
        }), "pending", pending, "java.util.Queue");
    }

    /**
     * A linked blocking queue or deque iterates under its lock, which its remove(Object) holds while it runs the
     * application's equals; the deque's size() waits for that lock too.
     */
    @Test
    void aLinkedBlockingQueueIsSizedWhileItsRemoveWaitsInAnEquals() throws Exception {
        for (BlockingQueue<Object> pending : List.<BlockingQueue<Object>>of(
                new LinkedBlockingQueue<>(List.of(new byte[1024 * 1024])),
                new LinkedBlockingDeque<>(List.of(new byte[1024 * 1024])))) {
            assertSizedWhile(gate -> pending.remove(new WaitingEquals(() -> {
                gate.running.countDown();
                gate.awaitRelease();
            })), "pending", pending, "java.util.Queue");
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

    /**
     * A walk visits at most walkMaxNodes objects, fewer than a large cache has entries; the entries it does not visit
     * still count, or a static cache of many small entries would never be reported.
     */
    @Test
    void aMapWithMoreEntriesThanTheWalkVisitsIsSizedByItsEntries() throws Exception {
        Map<String, Object> many = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            many.put(Integer.toString(i), i);
        }
        Field held = dying.newInstance(ApplicationCache.class).getClass().getField("entries");
        held.set(null, many);

        List<Finding> findings = Passes.findings(dying, "Static field");

        assertEquals(1, findings.size(), findings::toString);
        assertTrue(findings.get(0).what().startsWith(ApplicationCache.class.getName() + ".entries (java.util.Map)"
                + " retains about"), findings::toString);
    }

    /**
     * Asserts that a pass sizes {@code kept}, of about 1 MiB, in the application's static {@code field} of
     * {@code type} while another thread runs {@code holding} until the gate opens.
     */
    private void assertSizedWhile(Consumer<CallbackGate> holding, String field, Object kept, String type)
            throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        Thread holder = new Thread(() -> holding.accept(gate));
        holder.start();
        Field held = dying.newInstance(ApplicationCache.class).getClass().getField(field);
        try {
            assertTrue(gate.running.await(10, TimeUnit.SECONDS));
            held.set(null, kept);

            List<Finding> findings = Passes.waitingForCode(dying, "Static field");

            assertEquals(1, findings.size(), findings::toString);
            assertTrue(findings.get(0).what().startsWith(ApplicationCache.class.getName() + "." + field + " (" + type
                    + ") retains about 1.0 MiB"), findings::toString);
        } finally {
            gate.release.countDown();
            holder.join();
            held.set(null, null);
        }
    }
}

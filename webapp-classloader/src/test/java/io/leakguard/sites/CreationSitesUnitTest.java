package io.leakguard.sites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Gc;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The recorder on its own: what it keeps for a repeated call, for a full stack, and how much it holds at most. */
class CreationSitesUnitTest {

    @AfterEach
    void siteOnly() {
        CreationSites.recordFullStacks(false);
    }

    @Test
    void aRepeatedCallKeepsOneSiteAndAnotherSiteIsKeptFirst() {
        Object threadLocal = new Object();
        CreationSites.record(threadLocal, "a.B.c(B.java:1)");
        CreationSites.record(threadLocal, "a.B.c(B.java:1)");
        CreationSites.record(threadLocal, new Object(), "a.B.d(B.java:2)");
        CreationSites.record(threadLocal, "a.B.c(B.java:1)");
        assertEquals(List.of("a.B.d(B.java:2)", "a.B.c(B.java:1)"), CreationSites.all(threadLocal));
        assertEquals("a.B.d(B.java:2)", CreationSites.of(threadLocal));
    }

    @Test
    void aThreadLocalsValueIsNotRecorded() {
        Object value = new Object();
        CreationSites.record(new Object(), value, "a.B.c(B.java:1)");
        assertNull(CreationSites.of(value));
    }

    @Test
    void aFullStackStartsWithTheSiteThenItsCallers() {
        CreationSites.recordFullStacks(true);
        Object created = new Object();
        recordFrom(created);
        String stack = CreationSites.of(created);
        String caller = getClass().getName() + ".aFullStackStartsWithTheSiteThenItsCallers(CreationSitesUnitTest.java:";
        assertTrue(stack.startsWith("a.B.c(B.java:1) <- " + caller), stack);
        assertEquals("a.B", CreationSites.className(stack));
    }

    /** Stands for the instrumented method: its own frame is the site, so the stack goes on with its caller. */
    private static void recordFrom(Object created) {
        CreationSites.record(created, "a.B.c(B.java:1)");
    }

    @Test
    void theRecordIsBoundedAndMakesRoomAsObjectsAreCollected() {
        WeakReference<Object> last = fill();
        assertTrue(Gc.collected(last));
        // The collector hands cleared references over to the queue on a thread of its own, a little later.
        long deadline = System.nanoTime() + Gc.COLLECT_WITHIN.toNanos();
        Object later = new Object();
        while (CreationSites.of(later) == null && System.nanoTime() < deadline) {
            later = new Object();
            CreationSites.record(later, "a.B.later(B.java:3)");
        }
        assertEquals("a.B.later(B.java:3)", CreationSites.of(later));
    }

    /**
     * Records objects, all kept alive, until one goes unrecorded: at most the recorder's capacity and one more, plus
     * the records of earlier tests still waiting to be expunged, whose objects the collector may free meanwhile.
     */
    private static WeakReference<Object> fill() {
        List<Object> created = new ArrayList<>();
        Object last;
        do {
            last = new Object();
            created.add(last);
            CreationSites.record(last, "a.B.fill(B.java:2)");
        } while (CreationSites.of(last) != null && created.size() <= 2 * CreationSites.CAPACITY);
        assertTrue(created.size() <= 2 * CreationSites.CAPACITY, "every object was recorded");
        assertNull(CreationSites.of(last));
        assertEquals("a.B.fill(B.java:2)", CreationSites.of(created.get(0)));
        return new WeakReference<>(last);
    }
}

package io.leakguard.findleaks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The analysis of a dump indexes every object that can lead to a leak, 24 bytes each, on the heap of the server it
 * analyses: a server whose heap has no room for that must not get an OutOfMemoryError from Find leaks, in the
 * analysis or in any other thread. Runs in the JVM of at most 256 MB of heap (see the pom).
 */
@Tag("disable-explicit-gc")
class AnalysisMemoryTest {

    /** 16 bytes in the heap, and one entry of the index. */
    private static final class Node {
        final Node next;

        Node(Node next) {
            this.next = next;
        }
    }

    @Test
    void anIndexTheHeapHasNoRoomForIsNotBuiltAndTheSurvivorIsListedAsNotVerified() {
        ClassLoader held = new URLClassLoader(new URL[0], null);
        Node list = null;
        for (int i = 0; i < 8_000_000; i++) {
            list = new Node(list);
        }
        try (LeakDetector detector = new LeakDetector(Duration.ofDays(1))) {
            detector.stopped(held, "/held", Instant.now());

            List<LeakedWebapp> leaks = detector.findLeaks();

            assertEquals(1, leaks.size());
            assertTrue(leaks.get(0).heldBy().startsWith("unknown (not verified: no analysis of the heap dump: its "),
                    leaks.get(0).heldBy());
        }
        assertTrue(held != null && list.next != null);
    }
}

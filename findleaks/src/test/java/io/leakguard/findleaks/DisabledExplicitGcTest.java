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
 * Where Tomcat's own Find leaks lists every application ever stopped, because its System.gc() is ignored: runs in
 * the JVM with -XX:+DisableExplicitGC (see the pom).
 */
@Tag("disable-explicit-gc")
class DisabledExplicitGcTest {

    @Test
    void collectedApplicationsAreNotListedAndHeldOnesAre() {
        ClassLoader held = new URLClassLoader(new URL[0], null);
        try (LeakDetector detector = new LeakDetector(Duration.ofDays(1))) {
            stopAndForget(detector);
            detector.stopped(held, "/held", Instant.now());

            List<LeakedWebapp> leaks = detector.findLeaks();

            assertEquals(List.of("/held"), leaks.stream().map(LeakedWebapp::webapp).toList());
            assertEquals(1, detector.collectedCount());
        }
        assertTrue(held != null);
    }

    private static void stopAndForget(LeakDetector detector) {
        detector.stopped(new URLClassLoader(new URL[0], null), "/gone", Instant.now());
    }
}

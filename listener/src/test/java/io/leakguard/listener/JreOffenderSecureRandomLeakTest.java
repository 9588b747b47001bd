package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Gc;
import org.junit.jupiter.api.Test;

/**
 * Runs with a seed source that cannot be read (see the pom), so the JDK falls back to its threaded seed generator,
 * whose daemon thread is created without inheriting thread locals. Tomcat's session manager seeds its SecureRandom
 * while the context starts, so the first web application is the first to ask, as on a real server.
 */
class JreOffenderSecureRandomLeakTest {

    @Test
    void firstSeedRequestByAWebappPinsItsLoaderUntilJdk19() {
        if (Runtime.version().feature() <= 18) {
            SeedFirstTomcat.run("offender-seed", loader -> assertTrue(Gc.leaked(loader), "collected"));
        } else {
            // JDK 19 (JDK-8284161) gives a thread that does not inherit thread locals the system class loader as
            // context class loader, so the seed thread no longer keeps its creator's.
            JreOffenderEvidence.assertNotNeededHere("secureRandom");
            SeedFirstTomcat.run("offender-seed", loader -> assertTrue(Gc.collected(loader), "leaked"));
        }
    }
}

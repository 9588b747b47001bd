package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import org.junit.jupiter.api.Test;

/**
 * JFR's "JFR Periodic Tasks" thread is started by the JVM's first recording and keeps its creator's context class
 * loader, on JDK 17 and 25: runtime metrics read from a recording stream start it from an application. It is not a
 * JRE offender to preload, since starting JFR with the server would cost far more than the thread; leakguard resets
 * its context class loader at the stop instead ({@link JdkThreadJfrResetTest}). Each of these tests runs in a JVM of
 * its own (the jre-offenders execution), so that its application records first.
 */
class JdkThreadJfrLeakTest {

    @Test
    void firstRecordingOfAWebappPinsItsLoaderOnStockTomcat() {
        Fixtures.stock("jvm-registrations", "/leak?kind=jfr", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }
}

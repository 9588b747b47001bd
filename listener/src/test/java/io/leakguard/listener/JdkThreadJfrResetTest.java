package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import org.junit.jupiter.api.Test;

/**
 * The other side of {@link JdkThreadJfrLeakTest}: JFR's thread and the shutdown hook JFR registers on the first
 * recording both get the parent loader, the hook stays registered for the JVM's exit, and the application goes.
 */
class JdkThreadJfrResetTest {

    private static final String NOT_ITS_OWN = ", not the web application's, has its class loader as context class"
            + " loader";

    @Test
    void jfrsThreadAndHookLetGoOfTheApplicationThatStartedThem() {
        Fixtures.guarded("jvm-registrations", "/leak?kind=jfr", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warnings = String.join("\n", log.warnings("/app"));
            assertTrue(warnings.contains("ContextClassLoader leak: thread \"JFR Periodic Tasks\" (java.lang.Thread)"
                    + NOT_ITS_OWN + "; on thread [JFR Periodic Tasks]; fixed: context class loader set to "), warnings);
            assertTrue(warnings.contains("ContextClassLoader leak: shutdown hook thread \"JFR Shutdown Hook\" ("),
                    warnings);
            assertTrue(warnings.contains(", unstarted until the JVM exits)" + NOT_ITS_OWN), warnings);
            // Up to Java 23 JFR's recorder thread keeps the domains of the stack that made the first recording.
            boolean inherited = Runtime.version().feature() < 24;
            assertEquals(inherited, warnings.contains("ContextClassLoader leak: thread \"JFR Recorder Thread\""
                    + " (java.lang.Thread), not the web application's, keeps its protection domains in the access"
                    + " control context it inherited; on thread [JFR Recorder Thread]; fixed: inherited access control"
                    + " context emptied"), warnings);
            assertEquals(inherited ? 3 : 2, log.warnings("/app").size(), warnings);
        });
    }
}

package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Policy;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import org.junit.jupiter.api.Test;

/**
 * What leakguard says under catalina.sh's flags and the one the README requires, and none of the optional ones: its
 * own surefire execution gives it that JVM. An HttpClient the application keeps in a static field is then found, but
 * its internals cannot be read.
 */
class RequiredFlagTest {

    private static final int JAVA = Runtime.version().feature();

    @Test
    void everyCheckRuns() {
        assertNull(CleanupEngine.standard().unavailableMessage(Policy.defaults()));
    }

    /**
     * Where no thread marks the client as the application's (from Java 19 on without the optional java.security
     * flag), its static field does, and its public accessors show the Authenticator the application gave it, which
     * keeps the application in memory: the warning says so, and that only the optional flag lets leakguard release it.
     */
    @Test
    void anHttpClientInAStaticFieldIsReportedByWhatItWasGiven() throws ReflectiveOperationException {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(new LeakPreventionListener());
                LogCapture log = LogCapture.start()) {
            AuthenticatedClient client = AuthenticatedClient.undeployed(tomcat);

            String warning = Fixtures.single(log.warnings("/app"));
            if (JAVA >= 19) {
                assertTrue(warning.contains("leakguard: [/app] HttpClient leak: java.net.http.HttpClient kept in static"
                        + " field io.leakguard.fixture.jvmregistrations.JvmRegistrationsServlet.client, holding"
                        + " Authenticator io.leakguard.fixture.jvmregistrations.JvmRegistrationsServlet$Credentials@"),
                        warning);
                assertTrue(warning.contains("what it holds of the application it keeps, released only with"
                        + " --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED"), warning);
                assertTrue(warning.contains(JAVA >= 21 ? "not fixed: client shut down with shutdownNow()"
                        : "not fixed: what it holds"), warning);
            } else {
                assertTrue(warning.contains("java.net.http.HttpClient built by the application"), warning);
            }
            assertTrue(Gc.leaked(client.loader()), "the client no longer holds its Authenticator: " + log.all());
            client.release();
        }
    }
}

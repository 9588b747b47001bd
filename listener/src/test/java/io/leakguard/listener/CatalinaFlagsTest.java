package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Policy;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What leakguard says under the flags catalina.sh passes and nothing else, which is how this module's tests run: at
 * start-up the one required flag missing as a warning, unchanged, and each optional flag with what it would add; at a
 * stop, what it could not do for want of one.
 */
class CatalinaFlagsTest {

    private static final String JDBC_LINE = "leakguard: the optional flag --add-opens=java.sql/java.sql=ALL-UNNAMED"
            + " is not set; with it, JDBC drivers registered through a web application's own child class loader are"
            + " found and deregistered (jdbcDrivers). Add it to CATALINA_OPTS or JAVA_OPTS for a more complete"
            + " cleanup.";

    private final CleanupEngine engine = CleanupEngine.standard();

    @Test
    void theRequiredFlagIsStillTheOnlyWarning() {
        assertEquals("leakguard: some checks cannot run on this JVM and are off:"
                + " --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED (needed by signalHandlers, staticFields)."
                + " Add the flags to CATALINA_OPTS or JAVA_OPTS to switch them on.",
                engine.unavailableMessage(Policy.defaults()));
    }

    @Test
    void eachMissingOptionalFlagIsNamedOnceWithWhatItAdds() {
        List<String> flags = new ArrayList<>();
        // From Java 24 on no HttpClient pins its application through its thread, so this flag adds nothing then.
        if (Runtime.version().feature() < 24) {
            flags.add("--add-opens=java.base/java.security=ALL-UNNAMED");
        }
        flags.add("--add-opens=java.base/javax.net.ssl=ALL-UNNAMED");
        flags.add("--add-opens=java.base/javax.security.auth.login=ALL-UNNAMED");
        flags.add("--add-opens=java.base/sun.security.ssl=ALL-UNNAMED");
        flags.add("--add-opens=java.management/com.sun.jmx.interceptor=ALL-UNNAMED");
        flags.add("--add-opens=java.management/com.sun.jmx.mbeanserver=ALL-UNNAMED");
        flags.add("--add-opens=java.management/javax.management=ALL-UNNAMED");
        flags.add("--add-opens=java.management/sun.management=ALL-UNNAMED");
        // A client keeps the ProxySelector it was built with on every Java release.
        flags.add("--add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED");
        flags.add("--add-opens=java.rmi/sun.rmi.server=ALL-UNNAMED");
        flags.add("--add-opens=java.sql/java.sql=ALL-UNNAMED");

        assertEquals(flags, List.copyOf(engine.improvable(Policy.defaults()).keySet()));
        List<String> lines = engine.improvableMessages(Policy.defaults());
        assertEquals(flags.size(), lines.size(), String.join("\n", lines));
        assertTrue(lines.contains(JDBC_LINE), String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(line -> line.contains("ProxySelector, and with it the application, is named"
                + " (httpClientProxySelectors)")), String.join("\n", lines));
        assertTrue(lines.contains("leakguard: the optional flag --add-opens=java.base/sun.security.ssl=ALL-UNNAMED is"
                + " not set; with it, a default SSLSocketFactory or SSLContext the JDK made from the application's"
                + " trust manager, as nearly all are, is found and reset (together with"
                + " --add-opens=java.base/javax.net.ssl=ALL-UNNAMED) (httpsDefaults). Add it to CATALINA_OPTS or"
                + " JAVA_OPTS for a more complete cleanup."),
                String.join("\n", lines));
    }

    /**
     * Without the optional flag the application's own HttpClient is only detached from it, and the warning says that
     * what the client holds went unread: here the application's Authenticator, which keeps it in memory.
     */
    @Test
    void whatAnHttpClientHoldsGoesUnreadWithoutItsFlag() throws ReflectiveOperationException {
        assumeTrue(Runtime.version().feature() < 24, "from Java 24 on only the client's field marks it as the"
                + " application's, and reading static fields needs the required flag");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(new LeakPreventionListener());
                LogCapture log = LogCapture.start()) {
            AuthenticatedClient client = AuthenticatedClient.undeployed(tomcat);

            String warning = Fixtures.single(log.warnings("/app"));
            assertTrue(warning.contains("; whatever of the application the client holds (a ProxySelector,"
                    + " Authenticator, CookieHandler or Executor) it keeps, unread without"
                    + " --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED"), warning);
            assertTrue(Gc.leaked(client.loader()), "the client no longer holds its Authenticator: " + log.all());
            client.release();
        }
    }
}

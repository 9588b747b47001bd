package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Policy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What leakguard says at start-up under the flags catalina.sh passes and nothing else, which is how this module's
 * tests run: the one required flag missing as a warning, unchanged, and each optional flag with what it would add.
 */
class CatalinaFlagsTest {

    private static final String JDBC_LINE = "leakguard: the optional flag --add-opens=java.sql/java.sql=ALL-UNNAMED"
            + " is not set; with it, JDBC drivers registered through a web application's own child class loader are"
            + " found and deregistered (jdbcDrivers). Add it to CATALINA_OPTS or JAVA_OPTS for a more complete cleanup.";

    private final CleanupEngine engine = CleanupEngine.standard();

    @Test
    void theRequiredFlagIsStillTheOnlyWarning() {
        assertEquals("leakguard: some checks cannot run on this JVM and are off:"
                + " --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED (needed by staticFields). Add the flags to"
                + " CATALINA_OPTS or JAVA_OPTS to switch them on.", engine.unavailableMessage(Policy.defaults()));
    }

    @Test
    void eachMissingOptionalFlagIsNamedOnceWithWhatItAdds() {
        List<String> flags = new ArrayList<>();
        // From Java 24 on no HttpClient pins its application through its thread, so this flag adds nothing then.
        if (Runtime.version().feature() < 24) {
            flags.add("--add-opens=java.base/java.security=ALL-UNNAMED");
        }
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
    }
}

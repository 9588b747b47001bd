package io.leakguard.listener;

import io.leakguard.testing.EmbeddedTomcat;
import org.junit.jupiter.api.Test;

/**
 * The preferences entry covers this class by default; here it stands for any class an operator lists in the
 * {@code <Listener>} element, with every other entry switched off so that only the list can make the difference.
 */
class JreOffenderClassesToInitializePreloadTest {

    @Test
    void listedClassInitialisedAtStartKeepsTheSystemLoaderInstead() {
        LeakPreventionListener listener = new LeakPreventionListener();
        JreOffenders.ids().stream().filter(id -> !id.equals("classesToInitialize"))
                .forEach(id -> listener.setProperty("jreOffender." + id, "off"));
        listener.setProperty("classesToInitialize", "java.util.prefs.FileSystemPreferences");
        EmbeddedTomcat.start(listener).close();
        JreOffenderEvidence.assertCollected("offender-prefs");
    }
}

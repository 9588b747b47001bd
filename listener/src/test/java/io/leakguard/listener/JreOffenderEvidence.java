package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import java.lang.ref.WeakReference;
import org.apache.catalina.Context;

/**
 * What each JRE offender test measures, on stock Tomcat so that only the preload makes a difference. Every caller
 * runs in a JVM of its own (see the jre-offenders execution in the pom), so its fixture is the first to touch the
 * offender.
 */
final class JreOffenderEvidence {

    private JreOffenderEvidence() {
    }

    static void assertLeaks(String fixture) {
        Fixtures.stock(fixture, "/leak", (loader, log) -> assertTrue(Gc.leaked(loader), "collected"));
    }

    static void assertCollected(String fixture) {
        Fixtures.stock(fixture, "/leak", (loader, log) -> assertTrue(Gc.collected(loader), "leaked"));
    }

    /** What a test judges when the fixture's answer matters too: the last answer of /leak and the loader. */
    @FunctionalInterface
    interface AnsweredVerdict {
        void judge(String answer, WeakReference<ClassLoader> loader);
    }

    /** Like {@link Fixtures#stock}, handing the verdict what the fixture answered. */
    static void stock(String fixture, AnsweredVerdict verdict) {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start()) {
            Context context = tomcat.deploy(fixture, "/app", false);
            String answer = tomcat.get("/app/leak");
            verdict.judge(answer, tomcat.undeploy(context));
        }
    }

    /** Preloads one offender only, so that the collection proves that entry, not the catalogue as a whole. */
    static void preload(String id) {
        assertTrue(JreOffenders.ids().contains(id), id);
        JreOffenders.preload(id::equals, JreOffender.Configured.NOTHING);
    }

    static JreOffender entry(String id) {
        return JreOffenders.catalogue().stream().filter(offender -> offender.id().equals(id)).findFirst()
                .orElseThrow();
    }

    static void assertNotNeededHere(String id) {
        assertFalse(entry(id).mattersHere(), id + " is still preloaded on JDK " + Runtime.version().feature());
    }
}

package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.LogCapture;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loop that applies the catalogue: isolation, the context class loader, and the one INFO line. */
class JreOffendersTest {

    /** Initialised through classesToInitialize; remembers which context class loader its initialiser saw. */
    static final class ContextLoaderWitness {
        static final ClassLoader SEEN = Thread.currentThread().getContextClassLoader();

        private ContextLoaderWitness() {
        }
    }

    @Test
    void idsFollowTheCatalogue() {
        assertEquals(List.of("appContext", "driverManager", "jarUrlCaching", "secureRandom", "forkJoinCommonPool",
                "preferences", "delayScheduler", "asyncChannelGroup", "classesToInitialize"),
                List.copyOf(JreOffenders.ids()));
    }

    @Test
    void preloadsWithTheSystemLoaderAndGivesTheCallersBack() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader callers = thread.getContextClassLoader();
        try (URLClassLoader server = new URLClassLoader(new URL[0], callers)) {
            thread.setContextClassLoader(server);
            JreOffenders.preload("classesToInitialize"::equals,
                    new JreOffender.Configured(List.of(ContextLoaderWitness.class.getName())));
            assertSame(server, thread.getContextClassLoader());
        } finally {
            thread.setContextClassLoader(callers);
        }
        assertSame(ClassLoader.getSystemClassLoader(), ContextLoaderWitness.SEEN);
    }

    @Test
    void aFailingOffenderCostsOneWarningAndNothingElse() {
        try (LogCapture log = LogCapture.start()) {
            JreOffenders.preload(id -> id.equals("jarUrlCaching") || id.equals("classesToInitialize"),
                    new JreOffender.Configured(List.of("no.such.Offender")));
            assertFalse(URLConnection.getDefaultUseCaches("jar"));
            List<String> warnings = log.messages().stream().filter(m -> m.startsWith("WARNING")).toList();
            assertEquals(List.of("WARNING leakguard: JRE offender classesToInitialize not preloaded, web applications"
                    + " may still pin it: java.lang.ClassNotFoundException: no.such.Offender (the others were"
                    + " initialised)"), warnings);
            assertTrue(log.all().contains("INFO leakguard: JRE offenders preloaded on JDK "
                    + Runtime.version().feature() + ": jarUrlCaching; failed: classesToInitialize; switched off:"
                    + " appContext, driverManager"),
                    log.all());
        }
    }

    @Test
    void offendersThisJdkFixedAreNotRunAndSaidSo() {
        try (LogCapture log = LogCapture.start()) {
            JreOffenders.preload(id -> false, JreOffender.Configured.NOTHING);
            String info = log.all();
            assertTrue(info.startsWith("INFO leakguard: JRE offenders preloaded on JDK " + Runtime.version().feature()
                    + ": none; failed: none; switched off: "), info);
            assertTrue(info.substring(info.indexOf("not needed on this JDK: ")).contains("forkJoinCommonPool"), info);
        }
    }
}

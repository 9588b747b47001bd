package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.Policy;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.LogCapture;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A wrong attribute on the {@code <Listener>} element stops the server's start and says what would be right; a class
 * to initialise that is not there does not.
 */
class ListenerAttributesTest {

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "threadLocal        | fix       | unknown attribute [threadLocal]; accepted attributes: caches,"
                + " checkBudgetMillis,",
        "threadLocals       | sometimes | [threadLocals] is [sometimes]; accepted values: fix, warn, off",
        "walkMaxDepth       | deep      | [walkMaxDepth] is [deep]; accepted values: a whole number >= 0",
        "renewal            | weekly    | attribute [renewal] is [weekly]; accepted values: leaks, always, off",
        "renewalDelayMillis | -1        | attribute [renewalDelayMillis] is [-1]; accepted values: a whole number >= 0",
        "jreOffenders       | maybe     | attribute [jreOffenders] is [maybe]; accepted values: on, off",
        "findLeaksWatchdogSeconds | -5 | attribute [findLeaksWatchdogSeconds] is [-5]; accepted values: a whole number"
                + " >= 0",
        "jreOffender.noSuch | off       | unknown JRE offender in attribute [jreOffender.noSuch]; known offenders:",
    })
    void wrongAttributeStopsTheStart(String attribute, String value, String expected) {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty(attribute, value);
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> EmbeddedTomcat.start(listener).close());
        String messages = causes(failure);
        assertTrue(messages.contains("leakguard: the <Listener className=\"io.leakguard.listener"
                + ".LeakPreventionListener\"> element in server.xml is wrong: "), messages);
        assertTrue(messages.contains(expected), messages);
    }

    /** Stands for a server-library class an operator lists; tells whether its static initialiser ran. */
    static final class ListedClass {
        static {
            LISTED_CLASS_INITIALISED.set(true);
        }

        private ListedClass() {
        }
    }

    private static final AtomicBoolean LISTED_CLASS_INITIALISED = new AtomicBoolean();

    /** As with Tomcat's classesToInitialize, a class that is not there costs a warning naming it, not the start. */
    @Test
    void missingClassToInitializeIsAWarningNotAFailedStart() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("classesToInitialize", "no.such.Offender, " + ListedClass.class.getName());
        try (LogCapture log = LogCapture.start(); EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener)) {
            assertEquals(List.of("WARNING leakguard: JRE offender classesToInitialize not preloaded, web applications"
                    + " may still pin it: java.lang.ClassNotFoundException: no.such.Offender (the others were"
                    + " initialised)"), log.messages().stream().filter(m -> m.startsWith("WARNING")).toList());
            assertTrue(LISTED_CLASS_INITIALISED.get(), "the class after the missing one was not initialised");
        }
    }

    /** The catalogue's attribute switches every entry off, whatever their defaults. */
    @Test
    void jreOffendersOffPreloadsNothing() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("jreOffenders", "off");
        String neededHere = JreOffenders.catalogue().stream().filter(JreOffender::mattersHere).map(JreOffender::id)
                .collect(Collectors.joining(", "));
        try (LogCapture log = LogCapture.start(); EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener)) {
            assertTrue(preloads(log).startsWith("INFO leakguard: JRE offenders preloaded on JDK "
                    + Runtime.version().feature() + ": none; failed: none; switched off: " + neededHere
                    + "; not needed on this JDK: "), log.all());
        }
    }

    /** An entry's own attribute switches that entry off, and no other. */
    @Test
    void jreOffenderOffSwitchesThatEntryOff() {
        LeakPreventionListener listener = new LeakPreventionListener();
        listener.setProperty("jreOffender.appContext", "off");
        try (LogCapture log = LogCapture.start(); EmbeddedTomcat tomcat = EmbeddedTomcat.start(listener)) {
            String preloads = preloads(log);
            assertTrue(preloads.contains("; switched off: appContext; not needed on this JDK: "), preloads);
            assertTrue(preloads.contains(": driverManager, jarUrlCaching, "), preloads);
        }
    }

    private static String preloads(LogCapture log) {
        return log.messages().stream().filter(m -> m.startsWith("INFO leakguard: JRE offenders preloaded on JDK "))
                .findFirst().orElseThrow(() -> new AssertionError(log.all()));
    }

    private static String causes(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}

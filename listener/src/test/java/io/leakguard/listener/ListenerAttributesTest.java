package io.leakguard.listener;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cleanup.Policy;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A wrong attribute on the {@code <Listener>} element stops the server's start and says what would be right. */
class ListenerAttributesTest {

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "threadLocal        | fix       | unknown attribute [threadLocal]; accepted attributes: caches, checkBudgetMillis,",
        "threadLocals       | sometimes | [threadLocals] is [sometimes]; accepted values: fix, warn, off",
        "walkMaxDepth       | deep      | [walkMaxDepth] is [deep]; accepted values: a whole number >= 0",
        "renewal            | weekly    | attribute [renewal] is [weekly]; accepted values: leaks, always, off",
        "renewalDelayMillis | -1        | attribute [renewalDelayMillis] is [-1]; accepted values: a whole number >= 0",
        "jreOffenders       | maybe     | attribute [jreOffenders] is [maybe]; accepted values: on, off",
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

    private static String causes(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}

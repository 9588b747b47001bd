package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.ServerStarted;
import java.lang.reflect.Field;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Which signal handlers are replaced: the stopping application's own gives way to the JVM's, which the server had, or
 * to the default of a signal whose default leaves the process alone, but neither another application's that passes
 * the signal on to it, nor one for another signal the server never handled, whose earlier disposition nobody knows.
 * The fixture {@code jvm-registrations} shows the leak and its fix on Tomcat ({@code JvmRegistrationsTest}).
 */
@ExtendWith(ServerStarted.class)
class SignalHandlersTest {

    private Signal signal;
    private SignalHandler before;

    @AfterEach
    void putBack() {
        if (signal != null) {
            Signal.handle(signal, before);
        }
    }

    @Test
    void theStoppingApplicationsHandlerGivesWayToTheServers() throws Exception {
        Object servers = installed("HUP");
        DyingLoader dying = new DyingLoader();
        install("HUP", (SignalHandler) dying.newInstance(SignalListener.class));

        Finding finding = Passes.single(dying, "SignalHandler");
        assertSame(servers, installed("HUP"));
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("the server's handler put back: " + Describe.object(servers), finding.action());
    }

    @Test
    void anotherApplicationsHandlerThatPassesTheSignalOnIsLeftInPlace() throws Exception {
        DyingLoader dying = new DyingLoader();
        SignalHandler other = (SignalHandler) new DyingLoader().newInstance(SignalListener.class);
        other.getClass().getField("held").set(other, dying.newInstance(SignalListener.class));
        install("HUP", other);

        Finding finding = Passes.single(dying, "SignalHandler");
        assertSame(other, Signal.handle(signal, before));
        assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
        assertEquals("the handler is another application's, which would no longer hear the signal; left in place",
                finding.action());
    }

    /**
     * leakguard came after the application installed its handler: what it took for the server's is the application's
     * own, and putting it back would keep the application.
     */
    @Test
    void theApplicationsHandlerTakenForTheServersIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        SignalHandler own = (SignalHandler) dying.newInstance(SignalListener.class);
        install("HUP", own);
        SignalHandlers.remember();
        try {
            Finding finding = Passes.single(dying, "SignalHandler");
            assertSame(own, Signal.handle(signal, before));
            assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
            assertEquals("the server had no handler of its own for SIGHUP to put back, and what the signal did before"
                    + " is not known: it may have been ignored or handled natively, and by default it may end the JVM;"
                    + " left in place", finding.action());
        } finally {
            Signal.handle(signal, before);
            SignalHandlers.remember();
        }
    }

    /** The JVM installs no handler for SIGALRM, whose default ends the process. */
    @Test
    void aSignalTheServerNeverHandledKeepsTheApplicationsHandler() throws Exception {
        DyingLoader dying = new DyingLoader();
        SignalHandler own = (SignalHandler) dying.newInstance(SignalListener.class);
        install("ALRM", own);

        Finding finding = Passes.single(dying, "SignalHandler");
        assertSame(own, Signal.handle(signal, before));
        assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
        assertTrue(finding.action().startsWith("the server had no handler of its own for SIGALRM to put back"),
                finding.action());
    }

    /** By default SIGWINCH changes nothing, and the JVM installs no handler for it: the default is safe to put back. */
    @Test
    void aSignalWhoseDefaultLeavesTheProcessAloneGoesBackToIt() throws Exception {
        DyingLoader dying = new DyingLoader();
        install("WINCH", (SignalHandler) dying.newInstance(SignalListener.class));

        Finding finding = Passes.single(dying, "SignalHandler");
        assertSame(SignalHandler.SIG_DFL, Signal.handle(signal, before));
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("the signal's default put back (SIG_DFL), under which SIGWINCH leaves the process alone",
                finding.action());
    }

    private void install(String name, SignalHandler handler) {
        signal = new Signal(name);
        before = Signal.handle(signal, handler);
    }

    /** The JDK's own record, which names the JVM's handler as it is, not wrapped for sun.misc's callers. */
    private static Object installed(String name) throws ReflectiveOperationException {
        Field handlers = Class.forName("jdk.internal.misc.Signal").getDeclaredField("handlers");
        handlers.setAccessible(true);
        return ((Map<?, ?>) handlers.get(null)).entrySet().stream()
                .filter(entry -> entry.getKey().toString().equals("SIG" + name)).map(Map.Entry::getValue)
                .findFirst().orElseThrow();
    }
}

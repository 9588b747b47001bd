package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.leakguard.testing.ServerStarted;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whose default uncaught exception handler is replaced, and by what: only the stopping application's, by the server's
 * from before any application or else by none. Another application's that it passes on to stays
 * ({@code CrossApplicationFixesTest}); the fixture {@code jvm-registrations} shows the leak and its fix on Tomcat
 * ({@code JvmRegistrationsTest}).
 */
@ExtendWith(ServerStarted.class)
class DefaultUncaughtExceptionHandlerTest {

    private final Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();

    @AfterEach
    void putBack() {
        Thread.setDefaultUncaughtExceptionHandler(before);
        CleanupEngine.serverInitialising();
    }

    /** A handler of the server's classes, as a server library installs, is no concern of an application's stop. */
    @Test
    void theServersHandlerIsLeftAlone() {
        Thread.UncaughtExceptionHandler servers = new ApplicationExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(servers);

        assertEquals(List.of(), Passes.findings(new DyingLoader(), "UncaughtExceptionHandler"));
        assertSame(servers, Thread.getDefaultUncaughtExceptionHandler());
    }

    /**
     * A server library installed its handler before any application ran, and the stopping application put its own,
     * which passes every failure on, in front of it, as error reporters do: none in its place would drop the server's.
     */
    @Test
    void theServersHandlerFromBeforeTheApplicationIsPutBack() throws Exception {
        Thread.UncaughtExceptionHandler servers = new ApplicationExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(servers);
        CleanupEngine.serverInitialising();
        DyingLoader dying = new DyingLoader();
        Object own = dying.newInstance(ApplicationExceptionHandler.class);
        own.getClass().getField("previous").set(own, servers);
        Thread.setDefaultUncaughtExceptionHandler((Thread.UncaughtExceptionHandler) own);

        Finding finding = Passes.single(dying, "UncaughtExceptionHandler");
        assertSame(servers, Thread.getDefaultUncaughtExceptionHandler());
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("Thread.setDefaultUncaughtExceptionHandler(" + Describe.object(servers) + "): the server's, from"
                + " before any application", finding.action());
    }

    /** leakguard came after the application installed its handler: what it took for the server's is not put back. */
    @Test
    void theApplicationsHandlerTakenForTheServersIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        Thread.setDefaultUncaughtExceptionHandler(
                (Thread.UncaughtExceptionHandler) dying.newInstance(ApplicationExceptionHandler.class));
        CleanupEngine.serverInitialising();

        Finding finding = Passes.single(dying, "UncaughtExceptionHandler");
        assertNull(Thread.getDefaultUncaughtExceptionHandler());
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("reset to none (the JVM's own behaviour: print the stack trace)", finding.action());
    }
}

package io.leakguard.cleanup;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The java.util.logging check under Tomcat's own log manager, JULI, which files loggers per class loader: a handler a
 * web application puts on the JVM's one global logger still pins it there, and leakguard still finds and removes it
 * while looking at the loggers as the loaders above the application see them. Runs in its own JVM (the
 * {@code juli} surefire execution), since the log manager is chosen once per JVM.
 */
@Tag("juli")
class LoggingUnderJuliTest {

    @BeforeAll
    static void runsUnderJuli() {
        assertEquals("org.apache.juli.ClassLoaderLogManager", LogManager.getLogManager().getClass().getName());
    }

    @Test
    void handlerOnTheGlobalLoggerLeaksOnStockTomcat() {
        Fixtures.stock("jvm-registrations", "/leak?kind=julhandler", (loader, log) -> {
            assertTrue(Gc.leaked(loader));
            removeHandlersOf(loader.get());
            assertTrue(Gc.collected(loader), "the handler was the only leak");
        });
    }

    /** In a frame of its own: a local variable left holding the handler would keep the loader alive. */
    private static void removeHandlersOf(ClassLoader loader) {
        Logger global = Logger.getGlobal();
        for (Handler handler : global.getHandlers()) {
            if (handler.getClass().getClassLoader() == loader) {
                global.removeHandler(handler);
            }
        }
    }

    @Test
    void handlerOnTheGlobalLoggerIsRemovedWithLeakGuard() {
        Fixtures.guarded("jvm-registrations", "/leak?kind=julhandler", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = single(log.warnings("/app"));
            assertTrue(warning.contains("LoggingHandler leak: handler io.leakguard.fixture.jvmregistrations."
                    + "JvmRegistrationsServlet$AuditHandler@"), warning);
            assertTrue(warning.contains("on logger(s) [global]; fixed: removed from the logger(s) and closed"),
                    warning);
        });
    }
}

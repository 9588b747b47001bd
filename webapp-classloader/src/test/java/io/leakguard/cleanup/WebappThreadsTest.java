package io.leakguard.cleanup;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Threads a webapp starts and forgets, on a real Tomcat: leaked on stock Tomcat, ended and collected with leakguard.
 */
class WebappThreadsTest {

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    void spawnedThreadLeaksOnStockTomcat() {
        // Tomcat only warns about it: clearReferencesStopThreads is false by default.
        Fixtures.stock("thread-spawned", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @Test
    void spawnedThreadIsInterruptedAndEnds() {
        Fixtures.guarded("thread-spawned", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = single(log.warnings("/app"));
            assertTrue(warning.startsWith("WARNING leakguard: [/app] Thread leak: thread \"spawned-waiter\" "
                    + "(io.leakguard.fixture.threadspawned.SpawnedThreadServlet$1), whose class is the web "
                    + "application's; on thread [spawned-waiter]; created at "), warning);
            assertTrue(warning.endsWith("; fixed: interrupted; it ended"), warning);
        });
    }

    @Test
    void threadWithoutContextLoaderLeaksOnStockTomcat() {
        Fixtures.stock("thread-null-ccl", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @Test
    void threadWithoutContextLoaderIsFoundByItsTask() {
        Fixtures.guarded("thread-null-ccl", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = single(log.warnings("/app"));
            assertTrue(warning.contains("Thread leak: thread \"null-ccl-waiter\" (java.lang.Thread), which runs the "
                    + "web application's task io.leakguard.fixture.threadnullccl.NullContextLoaderThreadServlet$$"),
                    warning);
            assertTrue(warning.endsWith("fixed: interrupted; it ended"), warning);
        });
    }

    @Test
    void libraryThreadRunningWebappCallbackLeaksOnStockTomcat() {
        Fixtures.stock("thread-callback", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @Test
    void libraryThreadRunningWebappCallbackIsFoundByItsStack() {
        Fixtures.guarded("thread-callback", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = single(log.warnings("/app"));
            assertTrue(warning.contains("Thread leak: thread \"callback-waiter\" (java.lang.Thread), which is running "
                    + "web application code at io.leakguard.fixture.threadcallback.CallbackServlet.lambda$doGet$"),
                    warning);
            assertTrue(warning.endsWith("fixed: interrupted; it ended"), warning);
        });
    }

    @Test
    void threadThatIgnoresInterruptsIsReportedAndKeepsTheLoader() {
        Fixtures.guarded("thread-stubborn", "/leak", (loader, log) -> {
            try {
                assertTrue(Gc.leaked(loader));
                String warning = single(log.warnings("/app"));
                assertTrue(warning.contains("Thread leak: thread \"stubborn-poller\" "
                        + "(io.leakguard.fixture.threadstubborn.StubbornThreadServlet$1), whose class is the web "
                        + "application's; on thread [stubborn-poller]; created at "
                        + "io.leakguard.fixture.threadstubborn.StubbornThreadServlet."), warning);
                assertTrue(warning.contains("; not fixed: still running after interrupt and "), warning);
                assertTrue(warning.contains(" ms; stop it in contextDestroyed: until it ends it keeps the web "
                        + "application's classes in memory (its context class loader was reset)"), warning);
                assertEquals(loader.get().getParent(), stubbornThread(loader).getContextClassLoader());
            } finally {
                stopStubbornThread(loader);
            }
        });
    }

    @Test
    void warnPolicyReportsAndLeavesTheThread() {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("threads", Mode.WARN));
        Fixtures.guarded("thread-spawned", "/leak", (loader, log) -> {
            assertTrue(Gc.leaked(loader));
            assertTrue(single(log.warnings("/app")).endsWith(
                    "not fixed: left in place because leakguard setting threads=warn"), log.all());
        });
    }

    private static Thread stubbornThread(WeakReference<ClassLoader> loader) {
        return Arrays.stream(LiveThreads.all()).filter(thread -> thread.getClass().getClassLoader() == loader.get())
                .findFirst().orElseThrow(() -> new AssertionError("the stubborn thread has ended"));
    }

    /** Sets the flag only the fixture's own code could, so the thread does not outlive this test. */
    private static void stopStubbornThread(WeakReference<ClassLoader> loader) {
        for (Thread thread : LiveThreads.all()) {
            if (thread.getClass().getClassLoader() == loader.get()) {
                try {
                    var stopped = thread.getClass().getNestHost().getDeclaredField("stopped");
                    stopped.setAccessible(true);
                    stopped.setBoolean(null, true);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }
}

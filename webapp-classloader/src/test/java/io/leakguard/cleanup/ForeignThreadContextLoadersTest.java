package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.fixture.shared.SharedWorkers;
import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A shared library's pool whose threads were born inside a webapp request: they carry its context class loader and,
 * up to Java 23, its protection domains. Leaked on stock Tomcat; collected with leakguard, and the pool still works.
 */
class ForeignThreadContextLoadersTest {

    @BeforeEach
    void freshSharedPool() {
        // The pool's threads must be born in this test's webapp, not in an earlier one's.
        SharedWorkers.shutdown();
    }

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
        SharedWorkers.shutdown();
    }

    @Test
    void sharedPoolThreadsLeakOnStockTomcat() {
        Fixtures.stock("shared-pool-acc", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @Test
    void sharedPoolThreadsLetGoAndThePoolKeepsWorking() {
        Fixtures.guarded("shared-pool-acc", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            List<String> resets = log.warnings("/app").stream().filter(w -> w.contains("] ContextClassLoader leak: "))
                    .toList();
            assertEquals(2, resets.size(), log.all());
            String expected = "ContextClassLoader leak: thread \"shared-worker\" (java.lang.Thread), not the web"
                    + " application's, has its class loader as context class loader; on thread [shared-worker];"
                    + " fixed: context class loader set to ";
            String accEmptied = " and its inherited access control context emptied";
            for (String reset : resets) {
                assertTrue(reset.contains(expected), reset);
                assertEquals(Runtime.version().feature() < 24, reset.endsWith(accEmptied), reset);
            }
            assertTrue(log.all().contains("not the web application's; on threads [shared-worker], [shared-worker];"
                    + " not fixed: left running because it may be shared; 2 of its threads were created by the web"
                    + " application"), log.all());
            assertEquals("still works", assertDoesNotThrow(() -> SharedWorkers.call(() -> "still works")));
        });
    }

    @Test
    void sharedPoolThreadsLeakWhenTheCheckIsOff() {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("contextClassLoaders", Mode.OFF));
        Fixtures.guarded("shared-pool-acc", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }
}

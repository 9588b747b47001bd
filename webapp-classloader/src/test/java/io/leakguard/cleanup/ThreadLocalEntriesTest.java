package io.leakguard.cleanup;

import static io.leakguard.testing.Fixtures.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.EmbeddedTomcat;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import io.leakguard.testing.LogCapture;
import java.lang.ref.WeakReference;
import java.util.List;
import org.apache.catalina.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Tomcat wiki's ThreadLocal scenarios, on a real Tomcat: leaked without leakguard, collected with it. */
class ThreadLocalEntriesTest {

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    void customThreadLocalClassLeaksWithoutLeakGuard() {
        Fixtures.stock("threadlocal-custom", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @Test
    void customThreadLocalClassIsRemoved() {
        Fixtures.guarded("threadlocal-custom", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = single(log.warnings("/app"));
            assertTrue(warning.contains("ThreadLocal leak: ThreadLocal io.leakguard.fixture.threadlocalcustom"
                    + ".CustomThreadLocalServlet$CounterThreadLocal@"), warning);
            assertTrue(warning.matches(".*; on threads? \\[http-nio-127.0.0.1-auto-\\d+-exec-\\d+].*"
                    + "; fixed: entry removed"), warning);
        });
    }

    @Test
    void webappValueOfServerThreadLocalLeaksWithoutLeakGuard() {
        Fixtures.stock("threadlocal-value", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @Test
    void webappValueOfServerThreadLocalIsRemoved() {
        Fixtures.guarded("threadlocal-value", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = single(log.warnings("/app"));
            assertTrue(warning.contains("holding io.leakguard.fixture.threadlocalvalue.HolderValueServlet$Counter@"),
                    warning);
            assertTrue(warning.contains("held through Thread.threadLocals -> value "), warning);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "map", "atomic", "array", "optional", "field"})
    void indirectlyHeldValueLeaksWithoutLeakGuard(String via) {
        Fixtures.stock("threadlocal-indirect", "/leak?via=" + via, (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "map", "atomic", "array", "optional", "field"})
    void indirectlyHeldValueIsFoundAndRemoved(String via) {
        Fixtures.guarded("threadlocal-indirect", "/leak?via=" + via, (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            String warning = single(log.warnings("/app"));
            assertTrue(warning.contains("IndirectValueServlet$Counter@"), warning);
            assertTrue(warning.contains("fixed: entry removed"), warning);
        });
    }

    @Test
    void pseudoLeakLeaksWithoutLeakGuard() {
        Fixtures.stock("threadlocal-pseudo", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @Test
    void pseudoLeakIsRemoved() {
        Fixtures.guarded("threadlocal-pseudo", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            assertTrue(single(log.warnings("/app")).contains(
                    "holding io.leakguard.fixture.threadlocalpseudo.PseudoLeakServlet$Counter@"), log.all());
        });
    }

    /**
     * An application's servlet context leads, through its host, its service and the listeners on every context, to
     * every application of the server: a request thread that keeps it holds that application, not the one stopping.
     */
    @Test
    void anotherApplicationsServletContextIsLeftToIt() {
        // Walks that go through all of the other application's context, not only its first few paths.
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("walkMaxNodes", "1000000").with("walkMaxDepth", "40"));
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.startWithOneRequestThread(); LogCapture log = LogCapture.start()) {
            Context stopping = tomcat.deploy("threadlocal-value", "/stopping", true);
            tomcat.deploy("threadlocal-indirect", "/other", true);
            tomcat.get("/stopping/leak");
            tomcat.get("/other/leak?via=context");

            WeakReference<ClassLoader> loader = tomcat.undeploy(stopping);

            assertTrue(Gc.collected(loader), log.all());
            assertTrue(single(log.warnings("/stopping")).contains(
                    "holding io.leakguard.fixture.threadlocalvalue.HolderValueServlet$Counter@"), log.all());
            assertEquals("context held", tomcat.get("/other/held"));
        }
    }

    @Test
    void warnPolicyReportsAndLeavesTheEntry() {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("threadLocals", Mode.WARN));
        Fixtures.guarded("threadlocal-value", "/leak", (loader, log) -> {
            assertTrue(Gc.leaked(loader));
            assertTrue(single(log.warnings("/app")).endsWith(
                    "not fixed: left in place because leakguard setting threadLocals=warn"), log.all());
        });
    }

    @Test
    void cleanWebappIsCollectedWithoutAnyWarning() {
        Fixtures.guarded("clean", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            assertEquals(List.of(), log.warnings("/app"));
            assertTrue(log.all().contains("leakguard: [/app] stopped: 0 leaks fixed, 0 warned, 0 skipped in "),
                    log.all());
        });
    }
}

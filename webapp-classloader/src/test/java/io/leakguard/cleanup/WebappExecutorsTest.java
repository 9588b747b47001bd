package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.loader.LeakGuardClassLoader;
import io.leakguard.testing.Fixtures;
import io.leakguard.testing.Gc;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A webapp's never shut down executors, on a real Tomcat: leaked on stock Tomcat, collected with leakguard. */
class WebappExecutorsTest {

    @AfterEach
    void restoreDefaults() {
        LeakGuardClassLoader.setPolicy(Policy.defaults());
    }

    @Test
    void executorsLeakOnStockTomcat() {
        Fixtures.stock("executor", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    @Test
    void executorsAreShutDownOrCleanedAndTheLoaderIsCollected() {
        Fixtures.guarded("executor", "/leak", (loader, log) -> {
            assertTrue(Gc.collected(loader), log.all());
            List<String> executors = log.warnings("/app").stream().filter(w -> w.contains("] Executor leak: "))
                    .toList();
            assertEquals(4, executors.size(), log.all());
            assertOne(executors, "with 1 live thread(s) (custom-worker), whose thread factory "
                    + "io.leakguard.fixture.executor.ExecutorServlet$$", "; fixed: shut down with shutdownNow(),"
                    + " 0 queued task(s) dropped");
            assertOne(executors, "java.util.concurrent.ForkJoinPool@", "whose thread factory "
                    + "io.leakguard.fixture.executor.ExecutorServlet$$", "; fixed: shut down with shutdownNow()");
            assertOne(executors, "java.util.concurrent.ScheduledThreadPoolExecutor@", "held in the web application's"
                    + " static field io.leakguard.fixture.executor.ExecutorServlet.TICKER and created by it;",
                    "; fixed: shut down with shutdownNow(), ");
            assertOne(executors, "java.util.concurrent.ThreadPoolExecutor@", "with 2 live thread(s) (pool-",
                    "held in the web application's static field io.leakguard.fixture.executor.ExecutorServlet.FIXED"
                    + " and created by it;", "; fixed: shut down with shutdownNow(), 0 queued task(s) dropped");
        });
    }

    @Test
    void executorsLeakWhenTheCheckIsOff() {
        LeakGuardClassLoader.setPolicy(Policy.defaults().with("executors", Mode.OFF));
        Fixtures.guarded("executor", "/leak", (loader, log) -> assertTrue(Gc.leaked(loader)));
    }

    private static void assertOne(List<String> warnings, String... parts) {
        long matching = warnings.stream().filter(w -> List.of(parts).stream().allMatch(w::contains)).count();
        assertEquals(1, matching, String.join("\n", warnings));
    }
}

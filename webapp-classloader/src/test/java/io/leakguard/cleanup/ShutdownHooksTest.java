package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With fix, the application's hooks are removed and run now, without the hook's own code holding the pass. */
class ShutdownHooksTest {

    private static final Policy FIXING = Policy.defaults().with("shutdownHooks", Mode.FIX)
            .with("threadStopWaitMillis", "300");

    private final DyingLoader dying = new DyingLoader();

    /** join() first takes the hook's monitor, which its synchronized run() holds while it runs. */
    @Test
    void aHookWhoseRunHoldsItsMonitorIsLeftRunningAfterTheWait() throws Exception {
        Thread hook = (Thread) dying.newInstance(ApplicationPollingThread.class);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<Finding> findings = pass();

            assertEquals(List.of("removed from the JVM's shutdown hooks and run now: still running after 300 ms,"
                    + " left to finish on its own"), findings.stream().map(Finding::action).toList());
        } finally {
            hook.getClass().getField("stopped").set(hook, true);
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.join(10_000);
        }
    }

    /** A hook whose start() fails is still removed, and so are the application's other hooks. */
    @Test
    void aHookWhoseStartFailsLeavesTheOtherHooksToBeRemoved() throws Exception {
        List<Thread> hooks = List.of((Thread) dying.newInstance(ApplicationStartingHook.class),
                (Thread) dying.newInstance(ApplicationStartingHook.class));
        hooks.forEach(Runtime.getRuntime()::addShutdownHook);
        try {
            List<Finding> findings = pass();

            assertEquals(List.of(false, false), hooks.stream().map(Runtime.getRuntime()::removeShutdownHook).toList(),
                    findings::toString);
            assertEquals(List.of("removed from the JVM's shutdown hooks; its start() failed with"
                    + " java.lang.IllegalStateException, so it was not run"), findings.stream().map(Finding::action)
                    .distinct().toList());
        } finally {
            hooks.forEach(Runtime.getRuntime()::removeShutdownHook);
        }
    }

    private List<Finding> pass() {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Passes.findings(dying, "ShutdownHook", FIXING));
    }
}

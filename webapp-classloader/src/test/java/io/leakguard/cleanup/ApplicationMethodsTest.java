package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import org.junit.jupiter.api.Test;

/**
 * A pass runs none of the stopping application's methods: by then its code may fail on what contextDestroyed closed,
 * block, or register what the pass just removed, and a failure would end the check before its other fixes.
 */
class ApplicationMethodsTest {

    private final DyingLoader dying = new DyingLoader();

    private static final class ServerTask extends TimerTask {
        @Override
        public void run() {
        }
    }

    /** On a library's timer, which keeps running for the server's task. */
    @Test
    void timerTasksAreCancelledWithoutTheirOwnCancel() throws Exception {
        Timer shared = new Timer("shared", true);
        try {
            TimerTask closing = (TimerTask) dying.newInstance(ApplicationClosingTask.class);
            TimerTask plain = (TimerTask) dying.newInstance(ApplicationTask.class);
            shared.schedule(closing, 60_000);
            shared.schedule(plain, 120_000);
            shared.schedule(new ServerTask(), 180_000);

            List<Finding> findings = Passes.findings(dying, "Timer");

            assertEquals(List.of(Outcome.FIXED, Outcome.FIXED), findings.stream().map(Finding::outcome).toList(),
                    findings::toString);
            assertEquals(false, plain.cancel(), "the application's other task is still scheduled");
            assertEquals(0, shared.purge(), "the application's tasks are still in the timer's queue");
        } finally {
            shared.cancel();
        }
    }
}

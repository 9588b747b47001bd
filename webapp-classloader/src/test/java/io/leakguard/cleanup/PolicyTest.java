package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PolicyTest {

    @Test
    void settingsAreReadByName() {
        Policy policy = Policy.defaults().with("threadLocals", "WARN").with("threadStopWaitMillis", " 150 ");
        assertEquals(Mode.WARN, policy.mode(new ThreadLocalEntries()));
        assertEquals(Duration.ofMillis(150), policy.threadStopWait());
        assertEquals(Mode.FIX, Policy.defaults().mode(new ThreadLocalEntries()));
    }

    @Test
    void anUnknownSettingIsNamedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Policy.defaults().with("threadlocals", "fix"));
        assertEquals("unknown leakguard setting [threadlocals]; known settings: " + String.join(", ",
                Policy.settings()), e.getMessage());
    }

    @Test
    void aBadModeOrLimitNamesTheAcceptedValues() {
        assertEquals("leakguard setting [threadLocals] is [repair]; accepted values: fix, warn, off",
                assertThrows(IllegalArgumentException.class,
                        () -> Policy.defaults().with("threadLocals", "repair")).getMessage());
        assertEquals("leakguard setting [walkMaxNodes] is [-1]; accepted values: a whole number >= 0",
                assertThrows(IllegalArgumentException.class,
                        () -> Policy.defaults().with("walkMaxNodes", "-1")).getMessage());
    }
}

package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;

/** A cleanup pass over a stand-in application's loader, seen as the engine tests judge it: one leak kind at a time. */
final class Passes {

    private Passes() {
    }

    /** The findings of {@code kind} a pass over {@code dying} makes with {@code policy}. */
    static List<Finding> findings(ClassLoader dying, String kind, Policy policy) {
        return CleanupEngine.standard().clean(dying, "/dying", policy).findings().stream()
                .filter(finding -> finding.kind().equals(kind)).toList();
    }

    static List<Finding> findings(ClassLoader dying, String kind) {
        return findings(dying, kind, Policy.defaults());
    }

    /**
     * The findings of {@code kind} a pass makes that waits 300 ms for the application's code a check runs on a thread
     * of its own; fails when the pass itself blocks.
     */
    static List<Finding> waitingForCode(ClassLoader dying, String kind) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> findings(dying, kind,
                Policy.defaults().with("threadStopWaitMillis", "300")));
    }

    /** The one finding of {@code kind} a pass with the default policy makes; fails on none or several. */
    static Finding single(ClassLoader dying, String kind) {
        List<Finding> findings = findings(dying, kind);
        assertEquals(1, findings.size(), findings::toString);
        return findings.get(0);
    }
}

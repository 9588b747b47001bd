package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    /** The one finding of {@code kind} a pass with the default policy makes; fails on none or several. */
    static Finding single(ClassLoader dying, String kind) {
        List<Finding> findings = findings(dying, kind);
        assertEquals(1, findings.size(), findings::toString);
        return findings.get(0);
    }
}

package io.leakguard.cleanup;

import java.time.Duration;
import java.util.List;

/** Everything one cleanup pass found in a stopping web application. */
public record Report(String webapp, List<Finding> findings, Duration elapsed) {

    public Report {
        findings = List.copyOf(findings);
    }

    public long count(Outcome outcome) {
        return findings.stream().filter(f -> f.outcome() == outcome).count();
    }

    /** The one line logged per stop. */
    public String summary() {
        return "leakguard: [" + webapp + "] stopped: " + count(Outcome.FIXED) + " leaks fixed, "
                + count(Outcome.WARNED) + " warned, " + count(Outcome.SKIPPED) + " skipped in "
                + elapsed.toMillis() + " ms";
    }
}

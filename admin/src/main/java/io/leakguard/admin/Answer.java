package io.leakguard.admin;

import io.leakguard.findleaks.LeakDetector.Check;
import java.time.Duration;
import java.time.Instant;

/**
 * A check as one request sees it: fresh when it ended after the request arrived, else a cached one, with its age.
 *
 * @param minCheckInterval how soon after a check another one may run, to say why a result is cached
 */
record Answer(Check check, Instant asked, Duration minCheckInterval) {

    boolean cached() {
        return check.finished().isBefore(asked);
    }

    long ageSeconds() {
        return Math.max(0, Duration.between(check.finished(), asked).toSeconds());
    }

    /** Why this result and not a new check, for a cached one. */
    String cachedNote() {
        return "cached result of the check that ended at " + check.finished() + ", " + ageSeconds() + " s ago: a new"
                + " check runs at most every " + minCheckInterval.toSeconds() + " s";
    }
}

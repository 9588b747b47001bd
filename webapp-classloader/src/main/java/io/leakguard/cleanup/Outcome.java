package io.leakguard.cleanup;

/** What became of one finding. */
public enum Outcome {
    /** The reference was cut. */
    FIXED,
    /** The leak was left in place, because the policy says so or because cutting it could harm someone else. */
    WARNED,
    /** The check could not finish looking at it (time budget, an exception, a JDK that lacks what it needs). */
    SKIPPED
}

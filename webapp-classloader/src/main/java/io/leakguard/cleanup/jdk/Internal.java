package io.leakguard.cleanup.jdk;

/** A JDK internal leakguard uses: available on this JVM, or not, with what is missing. */
public sealed interface Internal permits InternalField, InternalMethod {

    boolean available();

    /** The exact {@code --add-opens} flag this access needs, or why it cannot be had; null when available. */
    String missing();

    String description();

    /**
     * True when this JDK has the member but leakguard may not reach it, so that the flag {@link #missing()} names would
     * make it available; false when it is available, and for a member this JDK does not have at all.
     */
    default boolean closed() {
        return !available() && missing().startsWith(JdkInternals.ADD_OPENS);
    }
}

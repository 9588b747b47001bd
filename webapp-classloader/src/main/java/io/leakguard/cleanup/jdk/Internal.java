package io.leakguard.cleanup.jdk;

/** A JDK internal leakguard uses: available on this JVM, or not, with what is missing. */
public sealed interface Internal permits InternalField, InternalMethod {

    boolean available();

    /** The exact {@code --add-opens} flag this access needs, or why it cannot be had; null when available. */
    String missing();

    String description();
}

package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import java.util.List;
import java.util.Optional;

/**
 * A JDK internal a check runs without but does more with, and what it adds, in words an administrator reads at
 * start-up: "JDBC drivers registered through a web application's own child class loader are found and deregistered".
 */
public record Improvement(Internal internal, String adds) {

    /** The improvement where this JDK has the internal at all: a member a release removed is no flag to ask for. */
    static List<Improvement> where(Optional<? extends Internal> internal, String adds) {
        return internal.map(present -> new Improvement(present, adds)).stream().toList();
    }
}

package io.leakguard.listener;

import java.util.Set;
import java.util.function.Predicate;

/** TEMPORARY stub: the offenders branch replaces this file with the JRE-offender catalogue. */
public final class JreOffenders {

    private JreOffenders() {
    }

    public static void preload(Predicate<String> enabled) {
    }

    public static Set<String> ids() {
        return Set.of();
    }
}

package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.security.AccessControlContext;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Optional;

/**
 * The access control context a thread inherits from the code that created it. Up to JDK 23 the Thread constructor
 * captures the protection domain of every frame on its creator's stack, with or without a SecurityManager, and a web
 * application's ProtectionDomain holds its class loader: a thread started while the application's code ran keeps
 * that loader for as long as the thread lives, whatever its context class loader says. JDK 24 removed the field.
 */
final class InheritedAccessControl {

    private static final Optional<InternalField> FIELD =
            JdkInternals.optionalField("java.lang.Thread", "inheritedAccessControlContext");

    private InheritedAccessControl() {
    }

    /** What a check that clears the context needs, on JDKs that have it. */
    static List<Internal> needs() {
        return FIELD.<List<Internal>>map(List::of).orElse(List.of());
    }

    /**
     * Replaces the thread's inherited context with one that holds no protection domain; true when it held any.
     * Without a SecurityManager the context is never consulted, so only the references go; with one (possible up to
     * JDK 23) the thread also loses the restrictions its creator's code imposed on it.
     */
    // AccessControlContext is deprecated for removal, yet JDK 17 to 23 still keep one in every thread.
    @SuppressWarnings("removal")
    static boolean clear(Thread thread) {
        if (FIELD.isEmpty() || !FIELD.get().available()) {
            return false;
        }
        AccessControlContext empty = new AccessControlContext(new ProtectionDomain[0]);
        Object inherited = FIELD.get().get(thread);
        if (inherited == null || empty.equals(inherited)) {
            return false;
        }
        FIELD.get().set(thread, empty);
        return true;
    }
}

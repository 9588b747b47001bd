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
    private static final Optional<InternalField> DOMAINS =
            JdkInternals.optionalField("java.security.AccessControlContext", "context");

    private InheritedAccessControl() {
    }

    /** What a check that clears the context needs, on JDKs that have it. */
    static List<Internal> needs() {
        return FIELD.<List<Internal>>map(List::of).orElse(List.of());
    }

    /** True on the JDKs whose threads inherit an access control context: up to JDK 23. */
    static boolean inherited() {
        return FIELD.isPresent();
    }

    /** The domains of an inherited context, which {@link #ownedDomainLoader} reads once java.security is opened. */
    static Optional<InternalField> domains() {
        return DOMAINS;
    }

    /**
     * The class loader of the first protection domain in the thread's inherited context that belongs to the dying
     * application, or null: the mark of a thread created while the application's code ran. Needs
     * {@code java.security} opened as well; without it, or on JDK 24+, always null.
     */
    static ClassLoader ownedDomainLoader(Thread thread, Ownership ownership) {
        Optional<InternalField> domains = DOMAINS.filter(InternalField::available);
        Object context = FIELD.filter(InternalField::available).map(field -> field.get(thread)).orElse(null);
        if (context == null || domains.isEmpty() || !(domains.get().get(context) instanceof ProtectionDomain[] all)) {
            return null;
        }
        for (ProtectionDomain domain : all) {
            if (domain != null && ownership.owns(domain.getClassLoader())) {
                return domain.getClassLoader();
            }
        }
        return null;
    }

    /**
     * True when the thread's inherited context reaches the dying application by any of its domain lists, the limited
     * context a privileged action gave it included (JFR makes its recorder thread so). Needs {@code java.security}
     * opened for {@code reach} to look inside; without it, or on JDK 24+, always false.
     */
    static boolean reaches(Thread thread, Reach reach) {
        return FIELD.filter(InternalField::available).map(field -> field.get(thread))
                .flatMap(reach::from).isPresent();
    }

    /** True when a SecurityManager is installed, so {@link #clear} leaves contexts alone. */
    @SuppressWarnings("removal") // getSecurityManager: the Java 17-23 API whose leftovers are being cleaned up
    static boolean securityManagerInstalled() {
        return System.getSecurityManager() != null;
    }

    /**
     * Replaces the thread's inherited context with one that holds no protection domain; true when it held any.
     * Without a SecurityManager the context is never consulted, so only the references go. With one (possible up to
     * JDK 23) the context is left alone, since dropping domains would widen the thread's permissions.
     */
    // AccessControlContext is deprecated for removal, yet JDK 17 to 23 still keep one in every thread.
    @SuppressWarnings("removal")
    static boolean clear(Thread thread) {
        if (FIELD.isEmpty() || !FIELD.get().available() || securityManagerInstalled()) {
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

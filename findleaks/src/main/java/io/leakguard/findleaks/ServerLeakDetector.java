package io.leakguard.findleaks;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The detector of the server this JVM runs, published by the server listener for the admin servlet. Both live on the
 * server's class path, so the servlet finds the detector here without the listener ever holding an object of the admin
 * web application: the admin application itself stays free to be undeployed.
 */
public final class ServerLeakDetector {

    private static final AtomicReference<LeakDetector> CURRENT = new AtomicReference<>();

    private ServerLeakDetector() {
    }

    /** @throws IllegalStateException when another server in this JVM published its detector already */
    public static void publish(LeakDetector detector) {
        if (!CURRENT.compareAndSet(null, detector)) {
            throw new IllegalStateException("leakguard: another server in this JVM runs Find leaks already");
        }
    }

    /** Withdraws the detector if it is still the published one; a later server's is left alone. */
    public static void withdraw(LeakDetector detector) {
        CURRENT.compareAndSet(detector, null);
    }

    /** Empty when the leakguard listener is not installed in this server, or the server is stopped. */
    public static Optional<LeakDetector> current() {
        return Optional.ofNullable(CURRENT.get());
    }
}

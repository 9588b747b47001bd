package io.leakguard.cleanup;

import io.leakguard.sites.CreationSites;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Security providers of the web application's classes installed with {@code Security.addProvider}: the JVM-wide
 * provider list holds them, and every later {@code getInstance} lookup would keep finding a dead application's code.
 */
final class SecurityProviders implements LeakCheck {

    @Override
    public String id() {
        return "securityProviders";
    }

    @Override
    public String kind() {
        return "SecurityProvider";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    /**
     * A provider's getName() may be overridden, and {@code Security.removeProvider} asks every installed provider its
     * name while it holds the JVM-wide Security lock: the application's getName() may fail on what its stop closed, or
     * wait for good. It is asked first on a thread of its own, and the removal too runs on one, within one wait for
     * all, as long as for threads to stop.
     */
    @Override
    public void run(Scan scan) throws InterruptedException {
        Duration wait = scan.policy().threadStopWait();
        long deadline = System.nanoTime() + wait.toNanos();
        for (Provider provider : Security.getProviders()) {
            if (!scan.ownership().owns(provider.getClass())) {
                continue;
            }
            AtomicReference<String> name = new AtomicReference<>();
            BoundedCall naming = BoundedCall.run("leakguard-provider-name", () -> name.set(provider.getName()),
                    BoundedCall.left(deadline));
            Scan.Leak leak = scan.leak("security provider " + (naming.returned() ? "[" + name.get() + "] " : "")
                    + Describe.object(provider)).createdAt(CreationSites.of(provider));
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
                continue;
            }
            if (!naming.returned()) {
                // Removing it by its name would run the same getName() again, holding the Security lock.
                leak.warned("left installed: its getName(), which Security.removeProvider asks every installed"
                        + " provider, " + naming.notReturned(wait));
                continue;
            }
            BoundedCall removal = BoundedCall.run("leakguard-remove-provider",
                    () -> Security.removeProvider(name.get()), BoundedCall.left(deadline));
            if (removal.returned()) {
                leak.fixed("removed with Security.removeProvider");
            } else {
                leak.warned("Security.removeProvider " + removal.notReturned(wait));
            }
        }
    }
}

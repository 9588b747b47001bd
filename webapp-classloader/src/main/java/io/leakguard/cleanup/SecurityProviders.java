package io.leakguard.cleanup;

import io.leakguard.sites.CreationSites;
import java.security.Provider;
import java.security.Security;

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

    @Override
    public void run(Scan scan) {
        for (Provider provider : Security.getProviders()) {
            if (!scan.ownership().owns(provider.getClass())) {
                continue;
            }
            String name = provider.getName();
            Scan.Leak leak = scan.leak("security provider [" + name + "] " + Describe.object(provider))
                    .createdAt(CreationSites.of(provider));
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
                continue;
            }
            Security.removeProvider(name);
            leak.fixed("removed with Security.removeProvider");
        }
    }
}

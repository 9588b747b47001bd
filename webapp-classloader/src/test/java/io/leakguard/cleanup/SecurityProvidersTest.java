package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An application's provider overrides getName() as it likes, and {@code Security.removeProvider} asks every installed
 * provider its name, holding the JVM-wide Security lock: the pass asks the application's on a thread of its own, and
 * removes only as long as it waits for threads to stop. The fixture {@code jvm-registrations} shows the leak and its
 * fix on Tomcat ({@code JvmRegistrationsTest}).
 */
class SecurityProvidersTest {

    private final DyingLoader dying = new DyingLoader();
    private final List<Provider> installed = new ArrayList<>();

    @AfterEach
    void uninstall() throws Exception {
        CallbackGate.current().release.countDown();
        for (Provider provider : installed) {
            provider.getClass().getField("closed").set(provider, false);
            provider.getClass().getField("stalled").set(provider, false);
        }
        for (Provider provider : installed) {
            Security.removeProvider(provider.getName());
        }
    }

    @Test
    void aProviderWhoseGetNameFailsIsReportedAndLeftInstalled() throws Exception {
        Provider failing = install(dying.newInstance(ApplicationProvider.class));
        failing.getClass().getField("closed").set(failing, true);

        List<Finding> findings = Passes.findings(dying, "SecurityProvider");

        assertEquals(List.of("left installed: its getName(), which Security.removeProvider asks every installed"
                + " provider, failed with java.lang.IllegalStateException: provider configuration closed"),
                findings.stream().map(Finding::action).toList(), findings::toString);
        assertEquals(List.of("security provider " + Describe.object(failing)),
                findings.stream().map(Finding::what).toList());
    }

    /** The pass waits for an application's getName() only as long as for threads to stop. */
    @Test
    void aProviderWhoseGetNameBlocksKeepsThePassOnlyForTheThreadStopWait() throws Exception {
        CallbackGate.fresh();
        Provider stalled = install(dying.newInstance(ApplicationProvider.class));
        stalled.getClass().getField("stalled").set(stalled, true);

        List<Finding> findings = Passes.waitingForCode(dying, "SecurityProvider");

        assertEquals(List.of("left installed: its getName(), which Security.removeProvider asks every installed"
                + " provider, was still running when the 300 ms wait was over, left to finish on its own thread"),
                findings.stream().map(Finding::action).toList(), findings::toString);
    }

    /**
     * Another provider's getName() that blocks keeps Security.removeProvider, under the Security lock, and so the pass
     * only for the thread stop wait: the removal ends once that provider answers.
     */
    @Test
    void aRemovalThatBlocksOnAnotherProviderKeepsThePassOnlyForTheThreadStopWait() throws Exception {
        CallbackGate gate = CallbackGate.fresh();
        Provider own = install(dying.newInstance(ApplicationProvider.class));
        String name = own.getName();
        Provider servers = install(new ApplicationProvider());
        servers.getClass().getField("stalled").set(servers, true);

        List<Finding> findings = Passes.waitingForCode(dying, "SecurityProvider");

        assertEquals(List.of("Security.removeProvider was still running when the 300 ms wait was over, left to finish"
                + " on its own thread"), findings.stream().map(Finding::action).toList(), findings::toString);
        gate.release.countDown();
        for (int tries = 0; tries < 100 && Security.getProvider(name) != null; tries++) {
            Thread.sleep(100);
        }
        assertNull(Security.getProvider(name), "removed once the other provider answered");
    }

    private Provider install(Object provider) {
        Provider installing = (Provider) provider;
        Security.addProvider(installing);
        installed.add(installing);
        return installing;
    }
}

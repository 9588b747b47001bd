package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.leakguard.testing.ServerStarted;
import java.net.ProxySelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a default of {@code java.net} goes back to: the server's from before any application, which for the proxy
 * selector honours its configured proxies, not none. The fixture {@code jvm-registrations} shows each default leak and
 * its fix on Tomcat ({@code JvmRegistrationsTest}).
 */
@ExtendWith(ServerStarted.class)
class NetDefaultsTest {

    private final ProxySelector before = ProxySelector.getDefault();

    @AfterEach
    void putBack() {
        ProxySelector.setDefault(before);
        CleanupEngine.serverInitialising();
    }

    @Test
    void theStoppingApplicationsProxySelectorGivesWayToTheOneOfTheServersStart() throws Exception {
        ProxySelector servers = NetDefaults.serverProxySelector();
        DyingLoader dying = new DyingLoader();
        ProxySelector.setDefault((ProxySelector) dying.newInstance(ApplicationProxySelector.class));

        Finding finding = Passes.single(dying, "NetDefault");
        assertSame(servers, ProxySelector.getDefault());
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("ProxySelector.setDefault(" + Describe.object(servers) + "): the server's, from before any"
                + " application", finding.action());
    }

    /**
     * A server library set its own default before any application ran, and the stopping application put its own in
     * front of it, passing on what it does not route: none in its place would drop the server's too.
     */
    @Test
    void theServersDefaultFromBeforeTheApplicationIsPutBack() throws Exception {
        ProxySelector servers = new ApplicationProxySelector();
        ProxySelector.setDefault(servers);
        CleanupEngine.serverInitialising();
        DyingLoader dying = new DyingLoader();
        Object own = dying.newInstance(ApplicationProxySelector.class);
        own.getClass().getField("previous").set(own, servers);
        ProxySelector.setDefault((ProxySelector) own);

        Finding finding = Passes.single(dying, "NetDefault");
        assertSame(servers, ProxySelector.getDefault());
        assertEquals("ProxySelector.setDefault(" + Describe.object(servers) + "): the server's, from before any"
                + " application", finding.action());
    }

    /** leakguard came after the application set its default: what it took for the server's is not put back. */
    @Test
    void theApplicationsDefaultTakenForTheServersIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        ProxySelector.setDefault((ProxySelector) dying.newInstance(ApplicationProxySelector.class));
        CleanupEngine.serverInitialising();

        Finding finding = Passes.single(dying, "NetDefault");
        assertNull(ProxySelector.getDefault());
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("ProxySelector.setDefault(null)", finding.action());
    }

    /** A server's default that has since been made to hold the application's is not put back either. */
    @Test
    void aServerClassDefaultThatReachesTheApplicationIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        ProxySelector servers = new ApplicationProxySelector();
        ProxySelector.setDefault(servers);
        CleanupEngine.serverInitialising();
        Object own = dying.newInstance(ApplicationProxySelector.class);
        ((ApplicationProxySelector) servers).previous = (ProxySelector) own;
        ProxySelector.setDefault((ProxySelector) own);

        Finding finding = Passes.single(dying, "NetDefault");
        assertNull(ProxySelector.getDefault());
        assertEquals("ProxySelector.setDefault(null)", finding.action());
    }
}

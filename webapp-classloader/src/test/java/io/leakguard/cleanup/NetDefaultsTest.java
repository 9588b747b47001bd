package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.leakguard.testing.ServerStarted;
import java.net.ProxySelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the proxy selector goes back to: the one of the server's start, which honours its configured proxies, not none.
 * The fixture {@code jvm-registrations} shows each default leak and its fix on Tomcat ({@code JvmRegistrationsTest}).
 */
@ExtendWith(ServerStarted.class)
class NetDefaultsTest {

    private final ProxySelector before = ProxySelector.getDefault();

    @AfterEach
    void putBack() {
        ProxySelector.setDefault(before);
    }

    @Test
    void theStoppingApplicationsProxySelectorGivesWayToTheOneOfTheServersStart() throws Exception {
        ProxySelector servers = NetDefaults.startupProxySelector();
        DyingLoader dying = new DyingLoader();
        ProxySelector.setDefault((ProxySelector) dying.newInstance(ApplicationProxySelector.class));

        Finding finding = Passes.single(dying, "NetDefault");
        assertSame(servers, ProxySelector.getDefault());
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("ProxySelector.setDefault(" + Describe.object(servers) + ")", finding.action());
    }
}

package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Field;
import javax.security.auth.login.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whose JAAS configuration is reset: the stopping application's own goes, but another application's that delegates to
 * it is only reported, since resetting it would take that application's login entries away, and so is the server's
 * own. The fixture {@code jvm-registrations} shows the leak and its fix on Tomcat ({@code JvmRegistrationsTest}). Read
 * through the field, as the check does, so that no test makes the JDK's default configuration.
 */
class JaasConfigurationTest {

    private Field installed;
    private Object before;

    @BeforeEach
    void remember() throws ReflectiveOperationException {
        installed = Configuration.class.getDeclaredField("configuration");
        installed.setAccessible(true);
        before = installed.get(null);
    }

    @AfterEach
    void restore() {
        Configuration.setConfiguration((Configuration) before);
    }

    @Test
    void theStoppingApplicationsConfigurationIsReset() throws Exception {
        DyingLoader dying = new DyingLoader();
        Configuration own = (Configuration) dying.newInstance(LoginConfiguration.class);
        Configuration.setConfiguration(own);

        Finding finding = Passes.single(dying, "JaasConfiguration");
        assertNotSame(own, installed.get(null));
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
    }

    @Test
    void theServersConfigurationFromBeforeTheApplicationIsPutBack() throws Exception {
        LoginConfiguration server = new LoginConfiguration();
        Configuration.setConfiguration(server);
        JaasConfiguration.remember();
        DyingLoader dying = new DyingLoader();
        Configuration.setConfiguration((Configuration) dying.newInstance(LoginConfiguration.class));
        try {
            Finding finding = Passes.single(dying, "JaasConfiguration");
            assertSame(server, installed.get(null));
            assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
            assertEquals("Configuration.setConfiguration(" + Describe.object(server) + ")", finding.action());
        } finally {
            Configuration.setConfiguration((Configuration) before);
            JaasConfiguration.remember();
        }
    }

    /**
     * leakguard came after the application installed its configuration: what it took for the server's is not put
     * back.
     */
    @Test
    void theApplicationsConfigurationTakenForTheServersIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        Configuration.setConfiguration((Configuration) dying.newInstance(LoginConfiguration.class));
        JaasConfiguration.remember();
        try {
            Finding finding = Passes.single(dying, "JaasConfiguration");
            assertNull(installed.get(null));
            assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
            assertEquals("reset to none: the JDK makes its own default again on next use", finding.action());
        } finally {
            Configuration.setConfiguration((Configuration) before);
            JaasConfiguration.remember();
        }
    }

    @Test
    void anotherApplicationsConfigurationThatDelegatesToThisOnesIsLeftInPlace() throws Exception {
        DyingLoader dying = new DyingLoader();
        Configuration other = (Configuration) new DyingLoader().newInstance(LoginConfiguration.class);
        other.getClass().getField("held").set(other, dying.newInstance(LoginConfiguration.class));
        Configuration.setConfiguration(other);

        Finding finding = Passes.single(dying, "JaasConfiguration");
        assertSame(other, installed.get(null));
        assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
        assertEquals("the configuration is another application's, whose logins would lose their entries; left in"
                + " place", finding.action());
    }

    /**
     * The server's own configuration, as one that caches what an application's login gave it, holds the application:
     * it is what leakguard would put back, so it stays, and is reported.
     */
    @Test
    void theServersOwnConfigurationThatHoldsTheApplicationIsLeftInPlace() throws Exception {
        DyingLoader dying = new DyingLoader();
        LoginConfiguration server = new LoginConfiguration();
        server.held = dying.newMarker();
        Configuration.setConfiguration(server);
        JaasConfiguration.remember();
        try {
            Finding finding = Passes.single(dying, "JaasConfiguration");
            assertSame(server, installed.get(null));
            assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
            assertEquals("it is the server's own configuration; left in place", finding.action());
        } finally {
            Configuration.setConfiguration((Configuration) before);
            JaasConfiguration.remember();
        }
    }
}

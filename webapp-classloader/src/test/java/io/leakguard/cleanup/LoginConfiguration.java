package io.leakguard.cleanup;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * A JAAS login configuration of an application, which {@link DyingLoader}s define anew in engine tests; it may hold
 * anything, as one that delegates to the configuration it replaced holds that one.
 */
public final class LoginConfiguration extends Configuration {

    public Object held;

    @Override
    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        return null;
    }
}

package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.List;
import java.util.Optional;
import javax.security.auth.login.Configuration;

/**
 * A JAAS login {@code Configuration} an application installed for the whole JVM with
 * {@code Configuration.setConfiguration}, as Spring Kafka's JAAS initializer does for a Kafka client. The JDK keeps it
 * in a static field, and every later login of every application would read the dead application's entries.
 *
 * <p>The field is read, given an optional opening, rather than asked for. When none is set, {@code getConfiguration()}
 * makes the JDK's default from the system properties of that moment. Another application's Kafka client that sets
 * {@code java.security.auth.login.config} later would then never see its file. The configuration goes back to the one
 * in place when leakguard loaded, which is usually none, so the JDK makes its default again on next use.
 */
final class JaasConfiguration implements LeakCheck {

    private static final Optional<InternalField> CONFIGURATION =
            JdkInternals.optionalField("javax.security.auth.login.Configuration", "configuration");
    /** From before any web application ran: leakguard starts with the server. Usually none. */
    private static volatile Configuration serverConfiguration = installed();

    /** Takes the configuration installed now as the server's. */
    static void remember() {
        serverConfiguration = installed();
    }

    private static Configuration installed() {
        return (Configuration) CONFIGURATION.filter(InternalField::available).map(field -> field.get(null))
                .orElse(null);
    }

    @Override
    public String id() {
        return "jaasConfiguration";
    }

    @Override
    public String kind() {
        return "JaasConfiguration";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Improvement> improvedBy() {
        return Improvement.where(CONFIGURATION, "a JAAS login configuration a web application installed JVM-wide, as"
                + " Spring Kafka's JAAS initializer does, is found and reset");
    }

    @Override
    public void run(Scan scan) {
        if (CONFIGURATION.isEmpty() || !CONFIGURATION.get().available()) {
            return;
        }
        Object current = CONFIGURATION.get().get(null);
        Optional<Reach.Chain> chain = scan.reach().chain(current);
        if (chain.isEmpty()) {
            return;
        }
        Scan.Leak leak = scan.leak("JAAS login configuration " + Describe.object(current) + " installed JVM-wide")
                .via(chain.get().links());
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        if (scan.ownership().isAnotherApplications(current, chain.get())) {
            leak.warned("the configuration is another application's, whose logins would lose their entries; left in"
                    + " place");
            return;
        }
        // What leakguard took for the server's is an application's when leakguard came after it: none then.
        Configuration server = serverConfiguration;
        Configuration replacement =
                server != null && scan.ownership().isServers(server.getClass().getClassLoader()) ? server : null;
        if (replacement == current) {
            leak.warned("it is the server's own configuration; left in place");
            return;
        }
        if (reset(current, replacement)) {
            leak.fixed(replacement == null ? "reset to none: the JDK makes its own default again on next use"
                    : "Configuration.setConfiguration(" + Describe.object(replacement) + ")");
        }
        // Otherwise another thread installed its own meanwhile, which does not hold the application.
    }

    /**
     * Puts the server's configuration back unless another thread has just installed its own. getConfiguration()
     * makes and installs the default under the class's lock, so holding it keeps that from interleaving too.
     */
    private static boolean reset(Object current, Configuration replacement) {
        synchronized (Configuration.class) {
            if (CONFIGURATION.get().get(null) != current) {
                return false;
            }
            Configuration.setConfiguration(replacement);
            return true;
        }
    }
}

package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;

/**
 * The JVM-wide HTTPS defaults an application set, as code that calls a partner with a self-signed certificate does:
 * a {@code HostnameVerifier} that accepts any host, and an {@code SSLSocketFactory} or default {@code SSLContext} made
 * from a trust manager that trusts every certificate. Each is kept in a static field, and every later HTTPS connection
 * of every application would go through the dead application's code, and trust what it trusted.
 *
 * <p>The verifier goes back to the JDK's. The factory and the context are made by the JDK even then, so only their
 * insides show the application's trust manager: they are read, and reset to none, which makes the JDK build its own
 * default again on next use, only with two optional openings. Reading the fields keeps a server that never used HTTPS
 * from building the JDK's default context (some 200 ms) at an application's stop.
 */
final class HttpsDefaults implements LeakCheck {

    /** Captured before any web application ran: leakguard starts with the server. */
    private static final HostnameVerifier STARTUP_VERIFIER = HttpsURLConnection.getDefaultHostnameVerifier();
    private static final Optional<InternalField> DEFAULT_FACTORY =
            JdkInternals.optionalField("javax.net.ssl.HttpsURLConnection", "defaultSSLSocketFactory");
    private static final Optional<InternalField> DEFAULT_CONTEXT =
            JdkInternals.optionalField("javax.net.ssl.SSLContext", "defaultContext");
    /** Where a context made by the JDK keeps the trust manager it was given; read by the reference walk. */
    private static final Optional<InternalField> TRUST_MANAGER =
            JdkInternals.optionalField("sun.security.ssl.SSLContextImpl", "trustManager");

    @Override
    public String id() {
        return "httpsDefaults";
    }

    @Override
    public String kind() {
        return "HttpsDefault";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Improvement> improvedBy() {
        List<Improvement> improvements = new ArrayList<>(Improvement.where(DEFAULT_FACTORY,
                "a default SSLSocketFactory or SSLContext of the application's own classes is found and reset"));
        improvements.addAll(Improvement.where(TRUST_MANAGER, "a default SSLSocketFactory or SSLContext the JDK made"
                + " from the application's trust manager, as nearly all are, is found and reset (together with"
                + " --add-opens=java.base/javax.net.ssl=ALL-UNNAMED)"));
        return improvements;
    }

    @Override
    public void run(Scan scan) {
        HostnameVerifier verifier = HttpsURLConnection.getDefaultHostnameVerifier();
        if (scan.ownership().ownsObject(verifier)) {
            Scan.Leak leak = scan.leak("default HostnameVerifier " + Describe.object(verifier));
            Optional<String> kept = scan.keptForAnotherApplication(verifier);
            if (kept.isPresent()) {
                leak.warned(kept.get());
            } else if (scan.fixing()) {
                HttpsURLConnection.setDefaultHostnameVerifier(STARTUP_VERIFIER);
                leak.fixed("HttpsURLConnection.setDefaultHostnameVerifier(" + Describe.object(STARTUP_VERIFIER) + ")");
            } else {
                leak.warned(scan.policyReason());
            }
        }
        reset(scan, "HttpsURLConnection's default SSLSocketFactory", DEFAULT_FACTORY);
        reset(scan, "default SSLContext", DEFAULT_CONTEXT);
    }

    private static void reset(Scan scan, String name, Optional<InternalField> field) {
        if (field.isEmpty() || !field.get().available()) {
            return;
        }
        Object value = field.get().get(null);
        Optional<Reach.Chain> chain = scan.reach().chain(value);
        if (chain.isEmpty()) {
            return;
        }
        Scan.Leak leak = scan.leak(name + " " + Describe.object(value)).via(chain.get().links());
        if (scan.ownership().isAnotherApplications(value, chain.get())) {
            leak.warned("it is another application's, whose HTTPS connections would lose the trust it set up; left in"
                    + " place");
            return;
        }
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        field.get().set(null, null);
        leak.fixed("reset to none: the JDK makes its own default again on next use");
    }
}

package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code java.net.http.HttpClient}s built by the web application. Each client runs a selector thread,
 * {@code HttpClient-N-SelectorManager}, that inherits the context class loader of the thread that built the client
 * and lives as long as the client: a live thread that pins the application.
 *
 * <p>Whose client it is: one whose selector thread inherited the dying application's loader, that is, one built on a
 * thread running the application's code. A client built lazily by a library in {@code $CATALINA_BASE/lib} on a
 * request of this application looks the same; whoever shares such a client should set {@code httpClients=warn}.
 * On Java 21 and later, with {@code --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED}, such a client is
 * shut down (its exchanges in progress are aborted) and awaited for a bounded time. Otherwise only the selector
 * thread's context class loader is set to the loader above the application, which cuts the thread's reference to it;
 * the client then ends by itself once the application, and with it the client, is collected.
 */
final class HttpClients implements LeakCheck {

    private static final String SELECTOR_THREAD = "jdk.internal.net.http.HttpClientImpl$SelectorManager";
    private static final InternalField SELECTOR_OWNER = JdkInternals.field(SELECTOR_THREAD, "owner");
    /** Public since Java 21; absent on Java 17. */
    private static final Optional<InternalMethod> SHUTDOWN_NOW =
            JdkInternals.optionalMethod("java.net.http.HttpClient", "shutdownNow");
    private static final Optional<InternalMethod> AWAIT_TERMINATION =
            JdkInternals.optionalMethod("java.net.http.HttpClient", "awaitTermination", Duration.class);
    /**
     * Up to Java 23 a thread keeps the access control context of the stack that created it, and the protection
     * domains in it hold their class loaders: the application's, for a client built in a request.
     */
    private static final Optional<InternalField> INHERITED_CONTEXT =
            JdkInternals.optionalField("java.lang.Thread", "inheritedAccessControlContext");

    @Override
    public String id() {
        return "httpClients";
    }

    @Override
    public String kind() {
        return "HttpClient";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public void run(Scan scan) {
        for (Thread thread : LiveThreads.all()) {
            if (!thread.getClass().getName().equals(SELECTOR_THREAD)
                    || !scan.ownership().owns(thread.getContextClassLoader())) {
                continue;
            }
            Scan.Leak leak = scan.leak("java.net.http.HttpClient built by the application")
                    .via(List.of("context class loader of its selector thread")).onThreads(List.of(thread.getName()));
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
            } else if (canClose()) {
                leak.fixed(close(SELECTOR_OWNER.get(thread), scan.policy().threadStopWait()));
            } else {
                leak.fixed(detach(thread, scan.ownership().replacement()) + "; the client was left open ("
                        + whyNotClosed() + ")");
            }
        }
    }

    /**
     * The context that replaces the creator's is leakguard's own, taken in a privileged block so that it holds no
     * caller's domain: under a security manager the thread gets leakguard's permissions, no more.
     */
    @SuppressWarnings("removal")
    private static String detach(Thread thread, ClassLoader replacement) {
        thread.setContextClassLoader(replacement);
        String done = "context class loader of its selector thread set to the parent loader";
        Optional<InternalField> context = INHERITED_CONTEXT.filter(InternalField::available);
        if (context.isEmpty()) {
            return done;
        }
        context.get().set(thread, java.security.AccessController.doPrivileged(
                (java.security.PrivilegedAction<Object>) java.security.AccessController::getContext));
        return done + " and the access control context it inherited from the application replaced";
    }

    private static boolean canClose() {
        return SELECTOR_OWNER.available() && SHUTDOWN_NOW.isPresent() && AWAIT_TERMINATION.isPresent();
    }

    private static String whyNotClosed() {
        return SHUTDOWN_NOW.isEmpty() ? "closing it needs Java 21 or later"
                : "closing it needs " + SELECTOR_OWNER.missing();
    }

    private static String close(Object client, Duration wait) {
        SHUTDOWN_NOW.get().invoke(client);
        boolean ended = (Boolean) AWAIT_TERMINATION.get().invoke(client, wait);
        return "client shut down with shutdownNow()" + (ended ? ""
                : "; its threads were still ending after " + wait.toMillis() + " ms");
    }
}

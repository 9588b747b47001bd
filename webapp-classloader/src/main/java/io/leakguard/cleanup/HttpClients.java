package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import io.leakguard.sites.CreationSites;
import java.lang.ref.Reference;
import java.net.ProxySelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code java.net.http.HttpClient}s built by the web application. Each client runs a selector thread,
 * {@code HttpClient-N-SelectorManager}, for as long as the client lives, and that thread pins the application: on
 * Java 17 and 18 through the context class loader it inherits from the thread that built the client, and up to
 * Java 23 through the access control context it inherits from that thread's stack, whose protection domains hold
 * their class loaders. Java 19 gives such threads the system class loader and Java 24 dropped inherited access
 * control contexts, so from Java 24 on a client cannot pin its application this way and this check finds nothing.
 *
 * <p>Whose client it is: one whose selector thread inherited the dying application's loader or domains, that is, one
 * built on a thread running the application's code. A client built lazily by a library in {@code $CATALINA_BASE/lib}
 * on a request of this application looks the same; whoever shares such a client should set {@code httpClients=warn}.
 * On Java 21 to 23, with {@code --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED}, the client is shut
 * down (its exchanges in progress are aborted) and awaited for a bounded time. Otherwise the selector thread is
 * detached from the application, and with that flag the client also lets go of a ProxySelector of the application it
 * kept; the client then ends by itself once the application, and with it the client, is collected. Reading the
 * inherited domains (Java 19 to 23) needs {@code --add-opens=java.base/java.security=ALL-UNNAMED}.
 */
final class HttpClients implements LeakCheck {

    private static final String SELECTOR_THREAD = "jdk.internal.net.http.HttpClientImpl$SelectorManager";
    /** The client a selector thread runs for. */
    static final InternalField SELECTOR_OWNER = JdkInternals.field(SELECTOR_THREAD, "owner");
    /** The selector a client keeps from the default of when it was built: see {@link HttpClientProxySelectors}. */
    static final InternalField PROXY_SELECTOR =
            JdkInternals.field("jdk.internal.net.http.HttpClientImpl", "proxySelector");
    /** The selector the client was given, if it was; then {@link #PROXY_SELECTOR} is the same one. */
    static final InternalField USER_PROXY_SELECTOR =
            JdkInternals.field("jdk.internal.net.http.HttpClientImpl", "userProxySelector");
    /** The client the application holds, which is what instrumented code recorded, wraps the selector's owner. */
    private static final InternalField FACADE = JdkInternals.field("jdk.internal.net.http.HttpClientImpl", "facadeRef");
    /** Public since Java 21. */
    private static final Optional<InternalMethod> SHUTDOWN_NOW =
            JdkInternals.optionalMethod("java.net.http.HttpClient", "shutdownNow");
    private static final Optional<InternalMethod> AWAIT_TERMINATION =
            JdkInternals.optionalMethod("java.net.http.HttpClient", "awaitTermination", Duration.class);

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

    /** Nothing from Java 24 on, where no client pins its application (see the class comment). */
    @Override
    public List<Improvement> improvedBy() {
        if (!InheritedAccessControl.inherited()) {
            return List.of();
        }
        List<Improvement> improvements = new ArrayList<>(Improvement.where(InheritedAccessControl.domains(),
                "an HttpClient a web application built is also recognised by the protection domains its selector "
                        + "thread inherited, the only mark it carries on Java 19 to 23"));
        improvements.add(new Improvement(SELECTOR_OWNER, SHUTDOWN_NOW.isPresent()
                ? "an HttpClient of a stopping web application is shut down instead of left open, and its warning "
                        + "says where it was built"
                : "an HttpClient of a stopping web application lets go of a ProxySelector of the application it "
                        + "kept, and its warning says where it was built"));
        return improvements;
    }

    @Override
    public void run(Scan scan) {
        for (Thread thread : LiveThreads.all()) {
            if (!isSelector(thread)) {
                continue;
            }
            Optional<String> link = linkToWebapp(thread, scan.ownership());
            if (link.isEmpty()) {
                continue;
            }
            Scan.Leak leak = scan.leak("java.net.http.HttpClient built by the application")
                    .via(List.of(link.get())).onThreads(List.of(thread.getName())).createdAt(builtAt(thread));
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
            } else if (canClose()) {
                leak.fixed(close(SELECTOR_OWNER.get(thread), scan.policy().threadStopWait()));
            } else {
                leak.fixed(detach(thread, scan.ownership().replacement()) + releaseSelector(thread, scan.ownership())
                        + "; the client was left open (" + whyNotClosed() + ")");
            }
        }
    }

    /** True for the thread an HttpClient runs for as long as it lives. */
    static boolean isSelector(Thread thread) {
        return thread.getClass().getName().equals(SELECTOR_THREAD);
    }

    private static Optional<String> linkToWebapp(Thread selector, Ownership ownership) {
        if (ownership.owns(selector.getContextClassLoader())) {
            return Optional.of("context class loader of its selector thread");
        }
        ClassLoader domainLoader = InheritedAccessControl.ownedDomainLoader(selector, ownership);
        return domainLoader == null ? Optional.empty() : Optional.of(
                "access control context its selector thread inherited, domain of " + Describe.object(domainLoader));
    }

    /** Where the client was built, when instrumented code recorded it and the client's internals may be read. */
    static String builtAt(Thread selector) {
        if (!SELECTOR_OWNER.available() || !FACADE.available()) {
            return null;
        }
        return CreationSites.of(((Reference<?>) FACADE.get(SELECTOR_OWNER.get(selector))).get());
    }

    private static String detach(Thread thread, ClassLoader replacement) {
        thread.setContextClassLoader(replacement);
        String done = "context class loader of its selector thread set to the parent loader";
        return InheritedAccessControl.clear(thread)
                ? done + " and the access control context it inherited from the application replaced"
                : done;
    }

    /**
     * Gives the application's own client the JDK's proxy selector in place of the application's, which it kept from
     * the default of when it was built, or was given. Left open, the client lives until the application is collected,
     * and with that selector it would never be: the running selector thread holds the client, the client the
     * selector, the selector the application, and the application the client.
     */
    private static String releaseSelector(Thread selector, Ownership ownership) {
        ProxySelector jdks = NetDefaults.startupProxySelector();
        if (!PROXY_SELECTOR.available() || !USER_PROXY_SELECTOR.available() || !SELECTOR_OWNER.available()
                || jdks == null || ownership.ownsObject(jdks)) {
            return "";
        }
        Object client = SELECTOR_OWNER.get(selector);
        Object kept = PROXY_SELECTOR.get(client);
        if (!ownership.ownsObject(kept)) {
            return "";
        }
        PROXY_SELECTOR.set(client, jdks);
        if (USER_PROXY_SELECTOR.get(client) == kept) {
            USER_PROXY_SELECTOR.set(client, null);
        }
        return "; the application's ProxySelector " + Describe.object(kept) + " it kept replaced by "
                + Describe.object(jdks);
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

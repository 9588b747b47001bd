package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import io.leakguard.sites.CreationSites;
import java.lang.ref.Reference;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code java.net.http.HttpClient}s of the web application, found two ways.
 *
 * <p>By their selector thread: each client runs one, {@code HttpClient-N-SelectorManager}, while it is open, and
 * that thread pins the application on Java 17 and 18 through the context class loader it inherits from the thread
 * that built the client, and up to Java 23 through the access control context it inherits from that thread's stack,
 * whose protection domains hold their class loaders. Java 19 gives such threads the system class loader and Java 24
 * dropped inherited access control contexts, so from Java 24 on no thread marks a client as the application's. A
 * client built lazily by a library in {@code $CATALINA_BASE/lib} on a request of this application looks the same;
 * whoever shares such a client should set {@code httpClients=warn}.
 *
 * <p>By the application's static fields ({@link StaticClients}), on every Java release: a client kept there that holds
 * an object of the application is never collected, open or closed (see {@link HttpClientHoldings}). This needs the
 * static fields to be read without initialising a class, as {@link StaticFields} does.
 *
 * <p>On Java 21 and later a client of the application still open is shut down (its exchanges in progress are
 * aborted) and awaited for a bounded time; before, a marked selector thread is detached from the application and
 * the client ends by itself once it is collected. Either way the client then lets go of what it holds of the
 * application. Reading the client needs {@code --add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED}, and
 * reading the inherited domains (Java 19 to 23) {@code --add-opens=java.base/java.security=ALL-UNNAMED}. Without the
 * first, a client kept in a static field is still reported, by what its public accessors show it was given of the
 * application, and shut down where Java can; it then keeps the application in memory.
 */
final class HttpClients implements LeakCheck {

    static final String SELECTOR_THREAD = "jdk.internal.net.http.HttpClientImpl$SelectorManager";
    /** The client a selector thread runs for. */
    static final InternalField SELECTOR_OWNER = JdkInternals.field(SELECTOR_THREAD, "owner");
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

    @Override
    public List<Improvement> improvedBy() {
        List<Improvement> improvements = new ArrayList<>();
        if (InheritedAccessControl.inherited()) {
            improvements.addAll(Improvement.where(InheritedAccessControl.domains(),
                    "an HttpClient a web application built is also recognised by the protection domains its selector "
                            + "thread inherited, the only mark it carries on Java 19 to 23"));
        }
        improvements.add(new Improvement(StaticClients.FACADE_CLIENT, (SHUTDOWN_NOW.isPresent()
                ? "an HttpClient of a stopping web application is shut down instead of left open, lets go of "
                : "an HttpClient of a stopping web application lets go of ")
                + "the application's ProxySelector, Authenticator, CookieHandler and Executor it holds, one kept in a "
                + "static field is released too, and its warning says where it was built"));
        for (Internal internal : InitializedStatics.needs()) {
            improvements.add(new Improvement(internal,
                    "an HttpClient kept in a static field of a stopping web application is found"));
        }
        return improvements;
    }

    @Override
    public void run(Scan scan) throws IllegalAccessException, InterruptedException {
        Set<Object> found = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Thread, String> markedSelectors = markedSelectors(scan.ownership());
        for (Map.Entry<Thread, String> marked : markedSelectors.entrySet()) {
            Thread thread = marked.getKey();
            Object client = SELECTOR_OWNER.available() ? SELECTOR_OWNER.get(thread) : null;
            if (client != null) {
                found.add(client);
            }
            Scan.Leak leak = scan.leak("java.net.http.HttpClient built by the application")
                    .via(List.of(marked.getValue())).onThreads(List.of(thread.getName()))
                    .createdAt(client == null ? null : builtAt(client));
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
                continue;
            }
            letGo(leak, client, thread, true, scan);
        }
        Map<HttpClient, String> kept = StaticClients.of(scan);
        if (HttpClientHoldings.available()) {
            for (Map.Entry<HttpClient, String> client : kept.entrySet()) {
                Object impl = StaticClients.FACADE_CLIENT.get(client.getKey());
                if (found.add(impl)) {
                    inspectKept(impl, client.getValue(), scan);
                }
            }
        } else if (markedSelectors.isEmpty()) {
            // Unread, a client cannot be matched to a selector thread: one reported by its thread is not again.
            for (Map.Entry<HttpClient, String> client : kept.entrySet()) {
                inspectUnread(client.getKey(), client.getValue(), scan);
            }
        }
    }

    /**
     * The clients this check reports as the application's when it is on: those whose selector thread marks them so,
     * and those the application keeps in its static fields.
     */
    static Set<Object> applications(Scan scan) throws IllegalAccessException {
        Set<Object> clients = Collections.newSetFromMap(new IdentityHashMap<>());
        if (scan.policy().mode(new HttpClients()) == Mode.OFF || !SELECTOR_OWNER.available()) {
            return clients;
        }
        for (Thread thread : markedSelectors(scan.ownership()).keySet()) {
            clients.add(SELECTOR_OWNER.get(thread));
        }
        for (HttpClient kept : StaticClients.of(scan).keySet()) {
            clients.add(StaticClients.FACADE_CLIENT.get(kept));
        }
        return clients;
    }

    /** The selector threads that mark their client as the application's, each with how it is tied to it. */
    private static Map<Thread, String> markedSelectors(Ownership ownership) {
        Map<Thread, String> marked = new LinkedHashMap<>();
        for (Thread thread : LiveThreads.all()) {
            if (isSelector(thread)) {
                linkToWebapp(thread, ownership).ifPresent(link -> marked.put(thread, link));
            }
        }
        return marked;
    }

    /** A client kept in a static field of the application leaks it when it holds anything of the application. */
    private static void inspectKept(Object client, String field, Scan scan) throws InterruptedException {
        List<String> kept = HttpClientHoldings.kept(client, scan.ownership());
        Optional<List<String>> path = scan.reach().from(client);
        if (kept.isEmpty() && path.isEmpty()) {
            return;
        }
        Thread selector = HttpClientHoldings.selectorThread(client);
        boolean open = selector.isAlive();
        List<String> chain = new ArrayList<>();
        chain.add(open ? "its selector thread" : "the JDK's Cleaner, until the client is unreachable");
        if (kept.isEmpty()) {
            chain.addAll(path.get());
        }
        Scan.Leak leak = scan.leak("java.net.http.HttpClient kept in static field " + field + ", holding "
                + (kept.isEmpty() ? "an object of the application" : String.join(" and ", kept)))
                .via(chain).onThreads(open ? List.of(selector.getName()) : List.of()).createdAt(builtAt(client));
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        letGo(leak, client, null, open, scan);
    }

    /**
     * A client kept in a static field, read without its internals: what the application gave it shows through its
     * public accessors, though not what the client made of them nor the exception it was stopped with. From Java 20
     * the JDK's Cleaner keeps such a client for as long as the field holds it, before that its selector thread while it
     * runs, so the application stays in memory however the client is closed.
     */
    private static void inspectUnread(HttpClient client, String field, Scan scan) throws InterruptedException {
        Ownership ownership = scan.ownership();
        List<String> kept = new ArrayList<>();
        client.proxy().filter(ownership::ownsObject).ifPresent(o -> kept.add("ProxySelector " + Describe.object(o)));
        client.authenticator().filter(ownership::ownsObject)
                .ifPresent(o -> kept.add("Authenticator " + Describe.object(o)));
        client.cookieHandler().filter(ownership::ownsObject)
                .ifPresent(o -> kept.add("CookieHandler " + Describe.object(o)));
        client.executor().filter(ownership::ownsObject).ifPresent(o -> kept.add("Executor " + Describe.object(o)));
        if (kept.isEmpty()) {
            return;
        }
        Scan.Leak leak = scan.leak("java.net.http.HttpClient kept in static field " + field + ", holding "
                + String.join(" and ", kept)).via(List.of(Runtime.version().feature() >= 20
                        ? "the JDK's Cleaner, until the client is unreachable" : "its selector thread"));
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        List<String> done = new ArrayList<>();
        if (SHUTDOWN_NOW.isPresent() && AWAIT_TERMINATION.isPresent()) {
            done.add(close(client, scan.policy().threadStopWait()));
        }
        done.add("what it holds of the application it keeps, released only with "
                + StaticClients.FACADE_CLIENT.missing());
        leak.warned(String.join("; ", done));
    }

    /**
     * Shuts the client down where Java can, else detaches the selector thread that marked it as the application's,
     * then has it let go of what it holds of the application. {@code client} is null when its internals are closed.
     */
    private static void letGo(Scan.Leak leak, Object client, Thread markedSelector, boolean open, Scan scan)
            throws InterruptedException {
        List<String> done = new ArrayList<>();
        if (open && canClose()) {
            done.add(close(client, scan.policy().threadStopWait()));
        } else if (markedSelector != null) {
            done.add(detach(markedSelector, scan.ownership().replacement()));
        }
        if (client != null && HttpClientHoldings.available()) {
            done.addAll(HttpClientHoldings.release(client, scan.ownership()));
        } else {
            done.add("whatever of the application the client holds (a ProxySelector, Authenticator, CookieHandler or"
                    + " Executor) it keeps, unread without " + StaticClients.FACADE_CLIENT.missing());
        }
        if (open && !canClose()) {
            done.add("the client was left open (" + whyNotClosed() + ")");
        }
        Optional<List<String>> still = client == null ? Optional.empty() : scan.reach().from(client);
        if (still.isEmpty()) {
            leak.fixed(String.join("; ", done));
            return;
        }
        done.add("it still holds the application through " + String.join(" -> ", still.get())
                + ", which leakguard does not release");
        leak.warned(String.join("; ", done));
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
    static String builtAt(Object client) {
        return FACADE.available() ? CreationSites.of(((Reference<?>) FACADE.get(client)).get()) : null;
    }

    private static String detach(Thread thread, ClassLoader replacement) {
        thread.setContextClassLoader(replacement);
        String done = "context class loader of its selector thread set to the parent loader";
        return InheritedAccessControl.clear(thread)
                ? done + " and the access control context it inherited from the application replaced"
                : done;
    }

    private static boolean canClose() {
        return SELECTOR_OWNER.available() && SHUTDOWN_NOW.isPresent() && AWAIT_TERMINATION.isPresent();
    }

    private static String whyNotClosed() {
        return SHUTDOWN_NOW.isEmpty() ? "closing it needs Java 21 or later"
                : "closing it needs " + SELECTOR_OWNER.missing();
    }

    /**
     * Shuts the client down and waits for its threads to end, for up to {@code wait} in all. shutdownNow() ends the
     * exchanges in progress on the thread that calls it, telling their body subscribers, the application's code, which
     * may fail or block: it runs on a thread of its own. One that fails ends that call before the exchanges after it,
     * which keep the client running and the application with them; the subscriber told is no longer registered, so
     * the next call goes past it.
     */
    private static String close(Object client, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        BoundedCall shutdown = BoundedCall.run("leakguard-shutdown-httpclient", () -> {
            while (true) {
                try {
                    SHUTDOWN_NOW.get().invoke(client);
                    return;
                } catch (RuntimeException e) {
                    failed.compareAndSet(null, e);
                    if (System.nanoTime() - deadline >= 0) {
                        throw e;
                    }
                }
            }
        }, wait);
        if (shutdown.running()) {
            return "shutdownNow(), which runs the application's body subscribers' onError, was still running after "
                    + wait.toMillis() + " ms, left to finish on its own thread";
        }
        boolean ended = (Boolean) AWAIT_TERMINATION.get().invoke(client, BoundedCall.left(deadline));
        String done;
        if (!shutdown.returned()) {
            done = "shutdownNow() failed with " + shutdown.failure().getClass().getName();
        } else if (failed.get() != null) {
            done = "client shut down with shutdownNow(), called again after it failed with "
                    + failed.get().getClass().getName();
        } else {
            done = "client shut down with shutdownNow()";
        }
        return ended ? done : done + "; its threads were still ending after " + wait.toMillis() + " ms";
    }
}

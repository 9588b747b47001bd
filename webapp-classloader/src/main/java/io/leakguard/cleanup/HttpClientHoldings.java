package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.io.IOException;
import java.net.ProxySelector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a {@code java.net.http.HttpClient} keeps of a web application for as long as the client lives: the proxy
 * selector, authenticator, cookie handler and executor it was built with, and, once the application shut it down
 * with {@code shutdownNow()}, the exception that stopped it, whose stack holds the classes of the code that called it.
 *
 * <p>A client lives while its selector thread runs, and from Java 20 on also while the HttpClient object the
 * application holds can be reached: the JDK's Cleaner keeps the client until then (JDK-8288746). So a client the
 * application keeps in a static field and that keeps any of these objects is never collected, even closed, and
 * neither is the application: the Cleaner holds the client, the client the object, the object its class loader, and
 * the loader the field that holds the client. Letting go of these objects is only safe for a client nothing but the
 * stopping application uses.
 */
final class HttpClientHoldings {

    private static final String CLIENT = "jdk.internal.net.http.HttpClientImpl";
    /** The selector a client keeps from the default of when it was built: see {@link HttpClientProxySelectors}. */
    static final InternalField PROXY_SELECTOR = JdkInternals.field(CLIENT, "proxySelector");
    /** The selector the client was given, if it was; then {@link #PROXY_SELECTOR} is the same one. */
    static final InternalField USER_PROXY_SELECTOR = JdkInternals.field(CLIENT, "userProxySelector");
    private static final InternalField AUTHENTICATOR = JdkInternals.field(CLIENT, "authenticator");
    private static final InternalField COOKIE_HANDLER = JdkInternals.field(CLIENT, "cookieHandler");
    /** What the client was given that it can do without once it is the stopped application's: it is dropped. */
    private static final List<Holding> DROPPED = List.of(new Holding("Authenticator", AUTHENTICATOR),
            new Holding("CookieHandler", COOKIE_HANDLER));
    private static final InternalField SELECTOR = JdkInternals.field(CLIENT, "selmgr");
    private static final InternalField EXECUTOR = JdkInternals.field(CLIENT, "delegatingExecutor");
    /** The executor the client was given, or the one it made when it was given none. */
    private static final InternalField GIVEN_EXECUTOR =
            JdkInternals.field(CLIENT + "$DelegatingExecutor", "delegate");
    /** Why the client stopped; since Java 21, when clients can be shut down. */
    private static final Optional<InternalField> STOPPED_BY =
            JdkInternals.optionalField(HttpClients.SELECTOR_THREAD, "errorRef");

    private record Holding(String type, InternalField field) {
    }

    private HttpClientHoldings() {
    }

    /** What reading and releasing a client's holdings takes. */
    static List<Internal> needs() {
        return List.of(PROXY_SELECTOR, USER_PROXY_SELECTOR, AUTHENTICATOR, COOKIE_HANDLER, SELECTOR, EXECUTOR,
                GIVEN_EXECUTOR);
    }

    static boolean available() {
        return needs().stream().allMatch(Internal::available);
    }

    /** The thread the client runs while it is open; it ends soon after the client is shut down. */
    static Thread selectorThread(Object client) {
        return (Thread) SELECTOR.get(client);
    }

    /** What of the stopping application the client keeps, as the client's fields name it, each with its value. */
    static List<String> kept(Object client, Ownership ownership) {
        List<String> kept = new ArrayList<>();
        Object selector = PROXY_SELECTOR.get(client);
        if (ownership.ownsObject(selector)) {
            kept.add("ProxySelector " + Describe.object(selector));
        }
        for (Holding holding : DROPPED) {
            Object value = holding.field().get(client);
            if (ownership.ownsObject(value)) {
                kept.add(holding.type() + " " + Describe.object(value));
            }
        }
        Object executor = givenExecutor(client);
        if (ownership.ownsObject(executor)) {
            kept.add("Executor " + Describe.object(executor));
        }
        Throwable stoppedBy = stoppedBy(client);
        if (stoppedBy != null && calledFromApplication(stoppedBy, ownership)) {
            kept.add("the " + stoppedBy.getClass().getName()
                    + " it was stopped with, thrown in the application's code");
        }
        return kept;
    }

    /**
     * Lets go of what {@link #kept} finds: the JDK's own proxy selector replaces the application's, the authenticator
     * and cookie handler are dropped, the common pool runs what the client still has to run (the application's own
     * executor is being shut down with it), and the exception is replaced by one of the same message made here.
     */
    static List<String> release(Object client, Ownership ownership) {
        List<String> released = new ArrayList<>();
        Object selector = PROXY_SELECTOR.get(client);
        ProxySelector jdks = NetDefaults.serverProxySelector();
        if (ownership.ownsObject(selector) && jdks != null && !ownership.ownsObject(jdks)) {
            PROXY_SELECTOR.set(client, jdks);
            if (USER_PROXY_SELECTOR.get(client) == selector) {
                USER_PROXY_SELECTOR.set(client, null);
            }
            released.add("ProxySelector " + Describe.object(selector) + " replaced by " + Describe.object(jdks));
        }
        for (Holding holding : DROPPED) {
            Object value = holding.field().get(client);
            if (ownership.ownsObject(value)) {
                holding.field().set(client, null);
                released.add(holding.type() + " " + Describe.object(value) + " dropped");
            }
        }
        Object executor = givenExecutor(client);
        if (ownership.ownsObject(executor)) {
            GIVEN_EXECUTOR.set(EXECUTOR.get(client), ForkJoinPool.commonPool());
            released.add("Executor " + Describe.object(executor) + " replaced by the common ForkJoinPool");
        }
        Throwable stoppedBy = stoppedBy(client);
        if (stoppedBy != null && calledFromApplication(stoppedBy, ownership)) {
            errorRef(client).set(new IOException(stoppedBy.getMessage()));
            released.add("the " + stoppedBy.getClass().getName() + " it was stopped with, whose stack held the"
                    + " application's classes, replaced by one without them");
        }
        return released;
    }

    private static Object givenExecutor(Object client) {
        return GIVEN_EXECUTOR.get(EXECUTOR.get(client));
    }

    private static Throwable stoppedBy(Object client) {
        return STOPPED_BY.isPresent() && STOPPED_BY.get().available() ? errorRef(client).get() : null;
    }

    @SuppressWarnings("unchecked")
    private static AtomicReference<Throwable> errorRef(Object client) {
        return (AtomicReference<Throwable>) STOPPED_BY.orElseThrow().get(SELECTOR.get(client));
    }

    /**
     * A stack trace names classes, not their loaders; the client is the application's own, so a frame naming one of
     * its classes is taken for its code.
     */
    private static boolean calledFromApplication(Throwable failure, Ownership ownership) {
        if (!LoadedClasses.CLASSES.available()) {
            return false;
        }
        Set<String> names = new HashSet<>();
        for (Class<?> type : LoadedClasses.of(ownership.loader())) {
            names.add(type.getName());
        }
        for (StackTraceElement frame : failure.getStackTrace()) {
            if (names.contains(frame.getClassName())) {
                return true;
            }
        }
        return false;
    }
}

package io.leakguard.listener;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import javax.management.ObjectName;
import org.apache.catalina.Executor;
import org.apache.catalina.Server;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardThreadExecutor;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ProtocolHandler;
import org.apache.tomcat.util.threads.TaskThread;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;

/**
 * A Tomcat thread pool that can renew its threads: a connector's own pool or a shared {@code <Executor>}. Both renew
 * by age: after {@link #renewThreadsOlderThanNow()}, each thread created before that moment ends after its current
 * task (never during one, so no request is dropped), at most one per {@link #renewalDelay()} milliseconds, and the
 * pool starts a fresh one in its place, on the thread that ended unless leakguard has it
 * {@link #newThreadsThrough(CleanThreads) make its threads elsewhere}.
 */
final class PooledExecutor {

    private static final Pattern CONNECTOR_THREAD = Pattern.compile("(.+)-exec-\\d+");

    final String name;
    private final Predicate<String> ownsThreadName;
    private final Object pool;
    private final Optional<ThreadPoolExecutor> threads;
    private final LongSupplier renewalDelay;
    private final LongConsumer setRenewalDelay;
    private final Runnable renewThreadsOlderThanNow;

    private PooledExecutor(String name, Predicate<String> ownsThreadName, Object pool,
            Optional<ThreadPoolExecutor> threads, LongSupplier renewalDelay, LongConsumer setRenewalDelay,
            Runnable renewThreadsOlderThanNow) {
        this.name = name;
        this.ownsThreadName = ownsThreadName;
        this.pool = pool;
        this.threads = threads;
        this.renewalDelay = renewalDelay;
        this.setRenewalDelay = setRenewalDelay;
        this.renewThreadsOlderThanNow = renewThreadsOlderThanNow;
    }

    /** Every pool of the server that renews by age; Tomcat's utility pool does not (see {@link UtilityPool}). */
    static List<PooledExecutor> of(Server server) {
        List<PooledExecutor> pools = new ArrayList<>();
        for (Service service : server.findServices()) {
            for (Executor executor : service.findExecutors()) {
                if (executor instanceof StandardThreadExecutor shared) {
                    String prefix = shared.getNamePrefix();
                    pools.add(new PooledExecutor(shared.getName(), thread -> thread.startsWith(prefix), shared,
                            threadsOf(shared), shared::getThreadRenewalDelay, shared::setThreadRenewalDelay,
                            shared::contextStopping));
                }
            }
            for (Connector connector : service.findConnectors()) {
                ProtocolHandler handler = connector.getProtocolHandler();
                // A connector that uses a shared <Executor> hands that one out here; it is listed above already.
                if (handler instanceof AbstractProtocol<?> protocol
                        && protocol.getExecutor() instanceof ThreadPoolExecutor own) {
                    String endpoint = ObjectName.unquote(protocol.getName());
                    String unbound = endpoint.replaceFirst("-" + protocol.getLocalPort() + "$", "");
                    Set<String> threadBases = Set.copyOf(List.of(endpoint, unbound));
                    pools.add(new PooledExecutor(endpoint, thread -> connectorThreadOf(thread, threadBases), own,
                            Optional.of(own), own::getThreadRenewalDelay, own::setThreadRenewalDelay,
                            own::contextStopping));
                }
            }
        }
        return pools;
    }

    /**
     * The pool inside an {@code <Executor>}: Tomcat keeps it in a protected field, a Tomcat member rather than a JDK
     * one, and hands out no getter.
     */
    private static Optional<ThreadPoolExecutor> threadsOf(StandardThreadExecutor shared) {
        try {
            Field executor = StandardThreadExecutor.class.getDeclaredField("executor");
            executor.setAccessible(true);
            return executor.get(shared) instanceof ThreadPoolExecutor threads ? Optional.of(threads)
                    : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A Tomcat that keeps its pool elsewhere: the pool renews, its new threads made the pool's own way.
            return Optional.empty();
        }
    }

    /**
     * A connector names its pool threads after its endpoint as it was named before binding; on port 0 the endpoint's
     * name gains the bound port afterwards, so the name without it counts too.
     */
    private static boolean connectorThreadOf(String threadName, Set<String> threadBases) {
        Matcher matcher = CONNECTOR_THREAD.matcher(threadName);
        return matcher.matches() && threadBases.contains(matcher.group(1));
    }

    /** Whether the thread is one of this pool's, told by the name the pool gives its threads. */
    boolean owns(Thread thread) {
        return thread instanceof TaskThread && ownsThreadName.test(thread.getName());
    }

    /** Whether a thread this pool started before {@code since} (epoch milliseconds) is still alive. */
    boolean hasThreadsCreatedBefore(long since, List<Thread> live) {
        return live.stream().anyMatch(t -> owns(t) && ((TaskThread) t).getCreationTime() < since);
    }

    long renewalDelay() {
        return renewalDelay.getAsLong();
    }

    void renewalDelay(long millis) {
        setRenewalDelay.accept(millis);
    }

    void renewThreadsOlderThanNow() {
        renewThreadsOlderThanNow.run();
    }

    /** The factory the pool makes its threads with; empty when leakguard cannot reach it. */
    Optional<ThreadFactory> threadFactory() {
        return threads.map(ThreadPoolExecutor::getThreadFactory);
    }

    /** Has the pool make its threads through {@code clean} until the lease ends; empty when leakguard cannot. */
    Optional<CleanThreads.Lease> newThreadsThrough(CleanThreads clean) {
        return threads.map(executor -> clean.lease(executor, executor::getThreadFactory, executor::setThreadFactory));
    }

    /** The pool itself, for identity: two views of one pool are the same pool. */
    Object pool() {
        return pool;
    }
}

package io.leakguard.loader;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Policy;
import io.leakguard.cleanup.Report;
import io.leakguard.cleanup.ReportLog;
import io.leakguard.sites.CreationSites;
import io.leakguard.sites.SiteTransformer;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Server;
import org.apache.catalina.Service;
import org.apache.catalina.loader.ParallelWebappClassLoader;

/**
 * Tomcat's parallel web application class loader, plus a leakguard cleanup pass when the context stops. Tomcat calls
 * {@link #stop()} after the application's listeners, filters and servlets are destroyed and before the loader is
 * closed, so the pass sees everything the application left behind while its classes can still be inspected.
 *
 * <p>Install with {@code <Loader loaderClass="io.leakguard.loader.LeakGuardClassLoader"/>} or
 * {@code WebappLoader.setLoaderClass}; the server listener does it for every context.
 */
public class LeakGuardClassLoader extends ParallelWebappClassLoader {

    /**
     * The container event each context fires with the {@link Report} of its stop, so that a server listener can act
     * on the findings (renew the pool threads that hold them) without holding on to the dying loader.
     */
    public static final String REPORT_EVENT = "leakguard.report";

    private static final CleanupEngine ENGINE = CleanupEngine.standard();
    private static final Set<String> REPORTED_FLAGS = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean REPORTED_SHUTDOWN = new AtomicBoolean();
    /** Weak keys: a server stopped and dropped by its embedding application takes its policy with it. */
    private static final Map<Server, Policy> SERVER_POLICIES = Collections.synchronizedMap(new WeakHashMap<>());
    private static volatile Policy defaultPolicy = Policy.defaults();

    public LeakGuardClassLoader() {
    }

    public LeakGuardClassLoader(ClassLoader parent) {
        super(parent);
    }

    /**
     * The policy every context of a server without its own ({@link #setPolicy(Server, Policy)}) uses from its next
     * stop on, as a {@code <Loader>} without the listener has; benchmarks and tests set it. Creation sites are
     * recorded by one recorder for the whole JVM, so whether they keep full stacks changes at once for every server.
     */
    public static void setPolicy(Policy newPolicy) {
        defaultPolicy = newPolicy;
        CreationSites.recordFullStacks(newPolicy.creationSiteStacks());
    }

    /**
     * The policy of every context of {@code server}; the server listener sets it from its attributes, so that two
     * servers in one JVM (Spring Boot's management port, say) each keep their own. Full stacks for creation sites are
     * the JVM's, as above: the last server to set its policy decides them for all.
     */
    public static void setPolicy(Server server, Policy serverPolicy) {
        SERVER_POLICIES.put(server, serverPolicy);
        CreationSites.recordFullStacks(serverPolicy.creationSiteStacks());
    }

    /**
     * Instruments the application's classes from the first one on, when the policy asks for creation sites; a policy
     * changed later applies to contexts started later.
     */
    @Override
    public void start() throws LifecycleException {
        Policy policy = policyOf(context());
        reportMissingFlags(policy);
        if (policy.creationSites()) {
            addTransformer(new SiteTransformer());
        }
        super.start();
    }

    @Override
    public void stop() throws LifecycleException {
        try {
            if (getState().isAvailable() && !skippedForJvmShutdown()) {
                clean();
            }
        } finally {
            // Even after an error the engine passes on (out of memory, say), Tomcat's own stop closes the loader.
            super.stop();
        }
    }

    private void clean() {
        try {
            Context context = context();
            Report report = ENGINE.clean(this, webappName(), policyOf(context),
                    context == null ? List.of() : ServerWideObjects.of(context));
            ReportLog.log(report);
            if (context != null) {
                context.fireContainerEvent(REPORT_EVENT, report);
            }
        } catch (RuntimeException | LinkageError e) {
            ReportLog.logger().error("leakguard: [{}] cleanup failed; the context stops without it", webappName(), e);
        }
    }

    private Context context() {
        return resources == null ? null : resources.getContext();
    }

    /** The policy of the server {@code context} runs in, or the JVM-wide one when that server has none of its own. */
    private static Policy policyOf(Context context) {
        Service service = context == null ? null : ServerWideObjects.serviceOf(context);
        Server server = service == null ? null : service.getServer();
        Policy own = server == null ? null : SERVER_POLICIES.get(server);
        return own == null ? defaultPolicy : own;
    }

    /** A JVM that is shutting down frees every loader anyway, and an operator waits for its stop: skip the pass. */
    private static boolean skippedForJvmShutdown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            if (REPORTED_SHUTDOWN.compareAndSet(false, true)) {
                ReportLog.logger().info("leakguard: the JVM is shutting down; cleanup skipped for every context");
            }
            return true;
        }
    }

    /** The context path form operators know ({@code /shop}, {@code /shop##2}, {@code /} for ROOT). */
    private String webappName() {
        String name = getContextName();
        if (name == null || name.isEmpty() || name.equals("ROOT")) {
            return "/";
        }
        return name.startsWith("/") ? name : "/" + name;
    }

    /**
     * The missing flags, each line once per JVM: a warning for the checks that are off, info for what optional flags
     * add. They depend on which checks are on, so a server with other settings hears about the checks it runs.
     */
    private static void reportMissingFlags(Policy policy) {
        String message = ENGINE.unavailableMessage(policy);
        if (message != null && REPORTED_FLAGS.add(message)) {
            ReportLog.logger().warn(message);
        }
        // A loop, not forEach: the log names the calling method on each line, and it should be this one.
        for (String line : ENGINE.improvableMessages(policy)) {
            if (REPORTED_FLAGS.add(line)) {
                ReportLog.logger().info(line);
            }
        }
    }
}

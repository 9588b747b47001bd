package io.leakguard.loader;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.Policy;
import io.leakguard.cleanup.Report;
import io.leakguard.cleanup.ReportLog;
import io.leakguard.sites.CreationSites;
import io.leakguard.sites.SiteTransformer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
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
    private static final AtomicBoolean REPORTED_FLAGS = new AtomicBoolean();
    private static final AtomicBoolean REPORTED_SHUTDOWN = new AtomicBoolean();
    private static volatile Policy policy = Policy.defaults();

    public LeakGuardClassLoader() {
        reportMissingFlagsOnce();
    }

    public LeakGuardClassLoader(ClassLoader parent) {
        super(parent);
        reportMissingFlagsOnce();
    }

    /**
     * The policy every context uses from its next stop on; the server listener sets it from its attributes. Creation
     * sites are recorded by one recorder for the whole server, so whether they keep full stacks changes at once.
     */
    public static void setPolicy(Policy newPolicy) {
        policy = newPolicy;
        CreationSites.recordFullStacks(newPolicy.creationSiteStacks());
    }

    public static Policy policy() {
        return policy;
    }

    /**
     * Instruments the application's classes from the first one on, when the policy asks for creation sites; a policy
     * changed later applies to contexts started later.
     */
    @Override
    public void start() throws LifecycleException {
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
            Context context = resources == null ? null : resources.getContext();
            Report report = ENGINE.clean(this, webappName(), policy,
                    context == null ? List.of() : ServerWideObjects.of(context));
            ReportLog.log(report);
            if (context != null) {
                context.fireContainerEvent(REPORT_EVENT, report);
            }
        } catch (RuntimeException | LinkageError e) {
            ReportLog.logger().error("leakguard: [{}] cleanup failed; the context stops without it", webappName(), e);
        }
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

    /** The missing flags, once per JVM: a warning for the checks that are off, info for what optional flags add. */
    private static void reportMissingFlagsOnce() {
        if (REPORTED_FLAGS.compareAndSet(false, true)) {
            String message = ENGINE.unavailableMessage(policy);
            if (message != null) {
                ReportLog.logger().warn(message);
            }
            // A loop, not forEach: the log names the calling method on each line, and it should be this one.
            for (String line : ENGINE.improvableMessages(policy)) {
                ReportLog.logger().info(line);
            }
        }
    }
}

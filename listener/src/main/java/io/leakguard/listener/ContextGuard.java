package io.leakguard.listener;

import io.leakguard.cleanup.Report;
import io.leakguard.cleanup.ReportLog;
import io.leakguard.loader.LeakGuardClassLoader;
import java.beans.PropertyChangeEvent;
import java.beans.PropertyChangeListener;
import java.util.Arrays;
import org.apache.catalina.Container;
import org.apache.catalina.ContainerEvent;
import org.apache.catalina.ContainerListener;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Loader;
import org.apache.catalina.Server;
import org.apache.catalina.Service;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardServer;
import org.apache.catalina.core.StandardService;
import org.apache.catalina.loader.ParallelWebappClassLoader;
import org.apache.catalina.loader.WebappLoader;

/**
 * Puts leakguard's class loader on every context of the server, those deployed later included, hands each stop's
 * report to the thread renewal and each stopped loader to the Find leaks detector. Listens to the server and its
 * services for services and engines added later (as embedded Tomcat makes its engine on the first {@code getHost()},
 * which may come after the server started), to the engines and hosts for new children, and to each context for its
 * start (when its own context.xml has been read, so a {@code <Loader>} there is known) and its report.
 */
final class ContextGuard implements ContainerListener, LifecycleListener, PropertyChangeListener {

    private static final String STOCK_LOADER = ParallelWebappClassLoader.class.getName();
    private static final String GUARD_LOADER = LeakGuardClassLoader.class.getName();

    private final ThreadRenewal renewal;
    private final TomcatOverlap overlap;
    private final LeakWatch leaks;

    ContextGuard(ThreadRenewal renewal, TomcatOverlap overlap, LeakWatch leaks) {
        this.renewal = renewal;
        this.overlap = overlap;
        this.leaks = leaks;
    }

    /** Watches every service's engine, and the services and engines added to the server later. */
    void watch(Server server) {
        if (server instanceof StandardServer standard) {
            standard.addPropertyChangeListener(this);
        }
        for (Service service : server.findServices()) {
            watch(service);
        }
    }

    private void watch(Service service) {
        if (service instanceof StandardService standard) {
            standard.addPropertyChangeListener(this);
        }
        if (service.getContainer() != null) {
            watch(service.getContainer());
        }
    }

    /**
     * A service or engine added to a running server is started before the server or service says so: contexts already
     * in it are then guarded from their next start on, a reload for one, and those deployed later from the first.
     */
    @Override
    public void propertyChange(PropertyChangeEvent event) {
        if ("service".equals(event.getPropertyName()) && event.getNewValue() instanceof Service service) {
            watch(service);
        } else if ("container".equals(event.getPropertyName()) && event.getNewValue() instanceof Container engine) {
            watch(engine);
        }
    }

    /** Watches this container and everything below it, now and when children are added. */
    void watch(Container container) {
        if (container instanceof Context context) {
            if (!Arrays.asList(context.findLifecycleListeners()).contains(this)) {
                context.addLifecycleListener(this);
                context.addContainerListener(this);
            }
            return;
        }
        if (!Arrays.asList(container.findContainerListeners()).contains(this)) {
            container.addContainerListener(this);
        }
        for (Container child : container.findChildren()) {
            watch(child);
        }
    }

    @Override
    public void containerEvent(ContainerEvent event) {
        if (Container.ADD_CHILD_EVENT.equals(event.getType()) && event.getData() instanceof Container child) {
            watch(child);
        } else if (LeakGuardClassLoader.REPORT_EVENT.equals(event.getType()) && event.getData() instanceof Report r) {
            renewal.after(r);
        }
    }

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (!(event.getLifecycle() instanceof Context context)) {
            return;
        }
        switch (event.getType()) {
            case Lifecycle.BEFORE_START_EVENT -> {
                if (guard(context)) {
                    overlap.switchOffTomcatsDuplicates(context);
                }
            }
            case Lifecycle.BEFORE_STOP_EVENT -> leaks.stopping(context);
            case Lifecycle.AFTER_STOP_EVENT -> leaks.stopped(context);
            default -> {
                // other lifecycle events say nothing about leaks
            }
        }
    }

    /** Installs leakguard's loader unless the context chose a loader of its own; says so when it did. */
    private static boolean guard(Context context) {
        Loader loader = context.getLoader();
        if (loader == null) {
            WebappLoader guarded = new WebappLoader();
            if (context instanceof StandardContext standard) {
                // What StandardContext does when it makes the loader itself.
                guarded.setDelegate(standard.getDelegate());
            }
            guarded.setLoaderClass(GUARD_LOADER);
            context.setLoader(guarded);
            return true;
        }
        if (loader instanceof WebappLoader webappLoader) {
            if (STOCK_LOADER.equals(webappLoader.getLoaderClass())) {
                webappLoader.setLoaderClass(GUARD_LOADER);
            }
            if (isGuard(webappLoader.getLoaderClass(), context)) {
                return true;
            }
        }
        String chosen = loader instanceof WebappLoader webappLoader ? webappLoader.getLoaderClass()
                : loader.getClass().getName();
        ReportLog.logger().warn("leakguard: [{}] uses its own class loader {}, so leakguard cannot guard it: nothing "
                + "is cleaned or reported when it stops. Remove its <Loader> element, or make that loader extend {}",
                name(context), chosen, GUARD_LOADER);
        return false;
    }

    private static boolean isGuard(String loaderClass, Context context) {
        if (GUARD_LOADER.equals(loaderClass)) {
            return true;
        }
        try {
            return LeakGuardClassLoader.class.isAssignableFrom(
                    Class.forName(loaderClass, false, context.getParentClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            // Tomcat reports the missing class itself when it starts the loader.
            return false;
        }
    }

    private static String name(Context context) {
        return context.getPath().isEmpty() ? "/" : context.getPath();
    }
}

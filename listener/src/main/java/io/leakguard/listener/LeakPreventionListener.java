package io.leakguard.listener;

import io.leakguard.cleanup.CleanupEngine;
import io.leakguard.cleanup.ReportLog;
import io.leakguard.loader.LeakGuardClassLoader;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleListener;
import org.apache.catalina.Server;

/**
 * leakguard for a whole Tomcat in one line of server.xml, nested in {@code <Server>}:
 * {@code <Listener className="io.leakguard.listener.LeakPreventionListener"/>}, with the drop-in jar in
 * {@code $CATALINA_HOME/lib}. Every context gets leakguard's class loader, those deployed later included; each
 * attribute of the element is an engine setting or one of the listener's own (see {@link ListenerSettings}).
 */
public class LeakPreventionListener implements LifecycleListener {

    private final ListenerSettings settings = new ListenerSettings();
    private LeakWatch leaks;
    private ThreadRenewal renewal;

    /**
     * Takes every attribute of the {@code <Listener>} element: Tomcat's digester calls this for each name that has no
     * setter. A wrong one is remembered and stops the server's start, since the digester only logs what this throws.
     */
    public void setProperty(String name, String value) {
        settings.set(name, value);
    }

    @Override
    public void lifecycleEvent(LifecycleEvent event) {
        if (Lifecycle.BEFORE_INIT_EVENT.equals(event.getType())) {
            init(server(event));
        } else if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
            // Catalina goes on to start a server whose init failed, so a wrong attribute must fail the start too.
            settings.verify();
        } else if (Lifecycle.AFTER_DESTROY_EVENT.equals(event.getType()) && leaks != null) {
            leaks.close();
            renewal.close();
        }
    }

    private void init(Server server) {
        settings.verify();
        // Catalina has by now replaced System.out and System.err with its own, after reading server.xml.
        CleanupEngine.serverInitialising();
        announce();
        LeakGuardClassLoader.setPolicy(server, settings.policy());
        JreOffenders.preload(settings::jreOffenderEnabled, settings.jreOffendersConfigured());
        leaks = new LeakWatch(settings.watchdogDelay());
        renewal = new ThreadRenewal(server, settings.renewal(), settings.renewalDelayMillis());
        new ContextGuard(renewal, new TomcatOverlap(settings), leaks).watch(server);
    }

    /**
     * The first line leakguard logs, written with this jar's class loader as the thread's: under Tomcat's JULI a
     * logger belongs to the class loader current when it is first made, and the engine's logger is made once, here,
     * rather than later inside a web application that would take it to its grave.
     */
    private void announce() {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(LeakPreventionListener.class.getClassLoader());
        try {
            ReportLog.logger().info("leakguard: guarding every web application of this server (renewal={}, "
                    + "renewalDelayMillis={})", settings.renewal().name().toLowerCase(java.util.Locale.ROOT),
                    settings.renewalDelayMillis());
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private static Server server(LifecycleEvent event) {
        if (event.getLifecycle() instanceof Server server) {
            return server;
        }
        throw new IllegalStateException("leakguard: " + LeakPreventionListener.class.getName()
                + " must be nested in <Server> in server.xml, not in " + event.getLifecycle());
    }
}

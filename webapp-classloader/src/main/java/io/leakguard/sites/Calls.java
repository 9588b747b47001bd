package io.leakguard.sites;

import java.security.Provider;
import java.security.Security;
import java.sql.Driver;
import java.sql.DriverAction;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Date;
import java.util.Timer;
import java.util.TimerTask;
import javax.management.InstanceAlreadyExistsException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectInstance;
import javax.management.ObjectName;

/**
 * Stand-ins for calls whose leaked argument lies under another on the operand stack, where instrumented code cannot
 * copy it before the call: each makes the original call, then records. The receiver comes first and the site last,
 * so the rewritten instruction has the original's stack effect plus the pushed site.
 */
public final class Calls {

    private Calls() {
    }

    public static void schedule(Timer timer, TimerTask task, long delay, String site) {
        timer.schedule(task, delay);
        CreationSites.record(task, site);
    }

    public static void schedule(Timer timer, TimerTask task, Date time, String site) {
        timer.schedule(task, time);
        CreationSites.record(task, site);
    }

    public static void schedule(Timer timer, TimerTask task, long delay, long period, String site) {
        timer.schedule(task, delay, period);
        CreationSites.record(task, site);
    }

    public static void schedule(Timer timer, TimerTask task, Date firstTime, long period, String site) {
        timer.schedule(task, firstTime, period);
        CreationSites.record(task, site);
    }

    public static void scheduleAtFixedRate(Timer timer, TimerTask task, long delay, long period, String site) {
        timer.scheduleAtFixedRate(task, delay, period);
        CreationSites.record(task, site);
    }

    public static void scheduleAtFixedRate(Timer timer, TimerTask task, Date firstTime, long period, String site) {
        timer.scheduleAtFixedRate(task, firstTime, period);
        CreationSites.record(task, site);
    }

    public static void registerDriver(Driver driver, DriverAction action, String site) throws SQLException {
        DriverManager.registerDriver(driver, action);
        CreationSites.record(driver, site);
    }

    public static int insertProviderAt(Provider provider, int position, String site) {
        int inserted = Security.insertProviderAt(provider, position);
        CreationSites.record(provider, site);
        return inserted;
    }

    /**
     * Records the name the MBean was registered under, not the MBean: the MBean check finds MBeans by the names
     * {@code queryNames} returns, and the JDK's MBean server returns the very name instance it registered (which
     * differs from the one passed when the MBean names itself in {@code preRegister}). The server holds that name
     * exactly as long as the MBean is registered.
     */
    public static ObjectInstance registerMBean(MBeanServer server, Object mbean, ObjectName name, String site)
            throws InstanceAlreadyExistsException, MBeanRegistrationException, NotCompliantMBeanException {
        ObjectInstance registered = server.registerMBean(mbean, name);
        if (registered != null) {
            CreationSites.record(registered.getObjectName(), site);
        }
        return registered;
    }
}

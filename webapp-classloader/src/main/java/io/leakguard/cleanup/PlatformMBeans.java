package io.leakguard.cleanup;

import io.leakguard.sites.CreationSites;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * MBeans the web application registered in the platform MBean server and did not unregister: the server is JVM-wide
 * and holds each MBean, whose class loader the server itself reports.
 */
final class PlatformMBeans implements LeakCheck {

    @Override
    public String id() {
        return "mbeans";
    }

    @Override
    public String kind() {
        return "MBean";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public void run(Scan scan) throws InterruptedException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : server.queryNames(null, null)) {
            try {
                if (!scan.ownership().owns(server.getClassLoaderFor(name))) {
                    continue;
                }
                // Instrumented registerMBean recorded the name the server keeps, which is the one queryNames returns.
                Scan.Leak leak = scan.leak("MBean [" + name.getCanonicalName() + "] in the platform MBean server")
                        .createdAt(CreationSites.of(name));
                if (!scan.fixing()) {
                    leak.warned(scan.policyReason());
                    continue;
                }
                unregister(server, name, leak, scan.policy().threadStopWait());
            } catch (InstanceNotFoundException e) {
                // Unregistered by someone else since the query: nothing left to hold the application.
            }
        }
    }

    /**
     * The server runs the bean's preDeregister and postDeregister, the application's code, which may fail on what its
     * stop closed already, or wait for work that no longer ends: that bean must neither leave the application's other
     * beans registered nor keep the pass waiting for good.
     */
    private static void unregister(MBeanServer server, ObjectName name, Scan.Leak leak, Duration wait)
            throws InterruptedException {
        BoundedCall call = BoundedCall.run("leakguard-unregister-mbean", () -> server.unregisterMBean(name), wait);
        if (call.failure() instanceof InstanceNotFoundException) {
            return; // unregistered by someone else since the query
        }
        if (call.returned()) {
            leak.fixed("unregistered");
            return;
        }
        // The server wraps what the bean's method threw.
        String failed = call.running() ? "was still running after " + wait.toMillis() + " ms, left to finish on its own"
                + " thread" : "failed with " + Describe.failure(call.failure().getCause() != null
                ? call.failure().getCause() : call.failure());
        if (server.isRegistered(name)) {
            leak.warned("its preDeregister " + failed + "; left registered");
        } else {
            leak.fixed("unregistered; its postDeregister " + failed);
        }
    }
}

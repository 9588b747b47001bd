package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import java.util.ArrayList;
import java.util.List;

/**
 * Threads that are not the web application's (JDK, server, shared library or shared pool threads) but carry its
 * context class loader, typically because they were created while one of its requests ran. They are not stopped, only
 * pointed at the loader above the web application.
 *
 * <p>Up to Java 23 such a thread also keeps the access control context of its creator, with the web application's
 * ProtectionDomains, each of which holds its class loader: resetting the context class loader alone leaves the loader
 * pinned. That context is consulted only under a SecurityManager, so without one it is replaced by an empty one, what
 * the JDK gives threads it creates in privileged code; under a SecurityManager it is left alone, since dropping
 * domains would widen the thread's permissions.
 */
final class ForeignThreadContextLoaders implements LeakCheck {

    @Override
    public String id() {
        return "contextClassLoaders";
    }

    @Override
    public String kind() {
        return "ContextClassLoader";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        List<Internal> needs = new ArrayList<>(ThreadTies.needs());
        needs.addAll(InheritedAccessControl.needs());
        return needs;
    }

    @Override
    public List<Improvement> improvedBy() {
        return InheritedAccessControl.inherited() ? Improvement.where(InheritedAccessControl.domains(), "a thread"
                + " that keeps a stopping web application's protection domains in its inherited access control context,"
                + " as JFR's recorder thread does when an application made the first recording, is found and emptied")
                : List.of();
    }

    @Override
    public void run(Scan scan) throws ClassNotFoundException {
        ThreadTies ties = new ThreadTies(scan);
        Ownership ownership = scan.ownership();
        // One walk for all threads: most share the contexts they inherited, which it then reads once.
        Reach reach = scan.reach();
        for (Thread thread : LiveThreads.all()) {
            // Tomcat resets the stopping thread's loader itself; the web application's own threads, pool workers
            // included, are for WebappThreads and WebappExecutors.
            if (thread == Thread.currentThread() || ownership.owns(thread.getClass())
                    || !ThreadTies.inPool(thread) && ties.tie(thread) != null) {
                continue;
            }
            String what = "thread \"" + thread.getName() + "\" (" + thread.getClass().getName() + ")";
            if (ownership.owns(ThreadAccess.contextClassLoader(thread))) {
                reset(scan, thread, what, thread.getName());
            } else if (InheritedAccessControl.reaches(thread, reach)) {
                dropDomains(scan, thread, what);
            }
        }
        // The application's own hooks, by their class or task, are for ShutdownHooks.
        if (RegisteredHooks.available()) {
            for (Thread hook : RegisteredHooks.all()) {
                if (ownership.owns(ThreadAccess.contextClassLoader(hook))
                        && RegisteredHooks.linkToWebapp(hook, ownership).isEmpty()) {
                    reset(scan, hook, "shutdown hook thread \"" + hook.getName() + "\" (" + hook.getClass().getName()
                            + ", unstarted until the JVM exits)", hook.getName() + " (unstarted shutdown hook)");
                }
            }
        }
    }

    private static void reset(Scan scan, Thread thread, String what, String name) {
        Scan.Leak leak = scan.leak(what + ", not the web application's, has its class loader as context class loader")
                .onThreads(List.of(name));
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        ClassLoader replacement = scan.ownership().replacement();
        ThreadAccess.setContextClassLoader(thread, replacement);
        leak.fixed("context class loader set to " + Describe.object(replacement)
                + dropInheritedAccessControlContext(thread));
    }

    /** A thread whose only tie is the application's protection domains, which it keeps from its creator's stack. */
    private static void dropDomains(Scan scan, Thread thread, String what) {
        Scan.Leak leak = scan.leak(what + ", not the web application's, keeps its protection domains in the access"
                + " control context it inherited").onThreads(List.of(thread.getName()));
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
        } else if (InheritedAccessControl.securityManagerInstalled()) {
            leak.warned("left in place because a SecurityManager is installed, where dropping domains would widen the"
                    + " thread's permissions");
        } else if (InheritedAccessControl.clear(thread)) {
            leak.fixed("inherited access control context emptied");
        }
    }

    /** Empties the thread's inherited access control context where the JDK has one; says what it did. */
    private static String dropInheritedAccessControlContext(Thread thread) {
        if (InheritedAccessControl.securityManagerInstalled()) {
            return "; its inherited access control context, which may hold the web application's protection domains,"
                    + " was left in place because a SecurityManager is installed";
        }
        return InheritedAccessControl.clear(thread) ? " and its inherited access control context emptied" : "";
    }
}

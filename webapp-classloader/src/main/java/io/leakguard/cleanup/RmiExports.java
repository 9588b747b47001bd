package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.ref.Reference;
import java.rmi.NoSuchObjectException;
import java.rmi.Remote;
import java.rmi.server.UnicastRemoteObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Remote objects of the web application's classes still exported through RMI: the JVM-wide object table holds their
 * stubs (whose proxy class the application's loader defined) and their implementations. Tomcat unexports only the
 * objects exported while the application's loader was the thread's context class loader; this check goes by the
 * class of the implementation, so it also finds those a library exported from a thread of its own or after switching
 * the context class loader.
 */
final class RmiExports implements LeakCheck {

    private static final InternalField OBJECT_TABLE = JdkInternals.field("sun.rmi.transport.ObjectTable", "objTable");
    private static final InternalField TABLE_LOCK = JdkInternals.field("sun.rmi.transport.ObjectTable", "tableLock");
    private static final InternalField WEAK_IMPL = JdkInternals.field("sun.rmi.transport.Target", "weakImpl");
    private static final InternalField STUB = JdkInternals.field("sun.rmi.transport.Target", "stub");
    /**
     * RMI's cache of each exported class's methods by hash, keyed weakly by the class but holding the methods, and so
     * the class, through a soft reference: after unexport it keeps the application until memory runs short. Optional,
     * since catalina.sh does not open {@code sun.rmi.server}; the export itself is what pins the application for good.
     */
    private static final InternalField METHOD_CACHE =
            JdkInternals.field("sun.rmi.server.UnicastServerRef", "hashToMethod_Maps");
    private static final InternalField CACHE_MAP = JdkInternals.field("sun.rmi.server.WeakClassHashMap", "internalMap");

    @Override
    public String id() {
        return "rmiTargets";
    }

    @Override
    public String kind() {
        return "RmiExport";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    /** Also what switches the check off on a runtime built without the java.rmi module. */
    @Override
    public List<Internal> needs() {
        return List.of(OBJECT_TABLE, TABLE_LOCK, WEAK_IMPL, STUB);
    }

    @Override
    public List<Improvement> improvedBy() {
        return List.of(new Improvement(CACHE_MAP, "RMI's method cache lets go of an unexported remote object's class, "
                + "which otherwise keeps its web application until memory runs short"));
    }

    @Override
    public void run(Scan scan) {
        for (Object target : exportedTargets()) {
            Object impl = ((Reference<?>) WEAK_IMPL.get(target)).get();
            Object stub = STUB.get(target);
            // An implementation already collected leaves the table through RMI's own reaper thread.
            if (impl == null || !(scan.ownership().ownsObject(impl) || scan.ownership().ownsObject(stub))) {
                continue;
            }
            Scan.Leak leak = scan.leak("remote object " + Describe.object(impl) + " exported through RMI")
                    .via(List.of("stub " + Describe.object(stub)));
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
                continue;
            }
            leak.fixed(unexport((Remote) impl) + (canForgetMethods() ? ""
                    : "; RMI's method cache still holds its class softly, until memory runs short (dropping it needs "
                            + CACHE_MAP.missing() + ")"));
        }
        if (scan.fixing() && canForgetMethods()) {
            forgetMethods(scan.ownership());
        }
    }

    /** Says how it left RMI's table. */
    private static String unexport(Remote impl) {
        try {
            UnicastRemoteObject.unexportObject(impl, true);
            return "unexported (forced, calls in progress were not awaited)";
        } catch (NoSuchObjectException e) {
            // The table was copied, not held: the application's own thread, still ending, may have unexported it since.
            return "unexported since the check listed it, by someone else";
        }
    }

    private static boolean canForgetMethods() {
        return METHOD_CACHE.available() && CACHE_MAP.available();
    }

    private static void forgetMethods(Ownership ownership) {
        Map<?, ?> byClass = (Map<?, ?>) CACHE_MAP.get(METHOD_CACHE.get(null));
        // WeakClassHashMap guards its map with the map's own monitor.
        synchronized (byClass) {
            byClass.keySet().removeIf(type -> ownership.owns((Class<?>) type));
        }
    }

    private static List<Object> exportedTargets() {
        Map<?, ?> table = (Map<?, ?>) OBJECT_TABLE.get(null);
        synchronized (TABLE_LOCK.get(null)) {
            return new ArrayList<>(table.values());
        }
    }
}

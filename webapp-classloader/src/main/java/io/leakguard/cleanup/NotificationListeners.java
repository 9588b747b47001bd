package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerFactory;
import javax.management.NotificationEmitter;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;

/**
 * Notification listeners an application added to JVM-wide broadcasters and never removed. Metrics libraries count
 * allocations from the garbage collectors' notifications (Micrometer's {@code JvmGcMetrics} left unclosed, the
 * Prometheus client's {@code MemoryAllocationExports}), others watch the memory MXBean's thresholds; code that waits
 * for an MBean to appear listens to the MBean server's delegate, which announces every registration (Micrometer's
 * {@code TomcatMetrics} waits so for Tomcat's MBeans). The MXBeans and the delegate live as long as the JVM and hold
 * each listener with its filter and handback; one added through the MBean server by the bean's name is held inside the
 * server's wrapper.
 *
 * <p>No public API lists a broadcaster's listeners, so they are read from the JDK's, which needs optional openings;
 * they are taken off through the broadcaster's own {@code removeNotificationListener}, which also lets a collector
 * stop sending notifications nobody listens to any more.
 */
final class NotificationListeners implements LeakCheck {

    static final String MXBEAN_SUPPORT = "sun.management.NotificationEmitterSupport";
    private static final Listeners MXBEAN = Listeners.of(MXBEAN_SUPPORT);
    /** What the MBean server's delegate keeps its listeners in: the JDK's public broadcaster class. */
    private static final Listeners SUPPORT = Listeners.of("javax.management.NotificationBroadcasterSupport");
    /** The JDK's MBean server; a builder the administrator names may make servers of another kind. */
    private static final String JMX_SERVER = "com.sun.jmx.mbeanserver.JmxMBeanServer";
    private static final Optional<InternalField> DELEGATE =
            JdkInternals.optionalField(JMX_SERVER, "mBeanServerDelegateObject");
    private static final Optional<InternalField> DELEGATE_SUPPORT =
            JdkInternals.optionalField("javax.management.MBeanServerDelegate", "broadcaster");
    private static final String WRAPPER = "com.sun.jmx.interceptor.DefaultMBeanServerInterceptor$ListenerWrapper";
    private static final Optional<InternalField> WRAPPED = JdkInternals.optionalField(WRAPPER, "listener");
    private static final String DELEGATE_NAME = MBeanServerDelegate.DELEGATE_NAME.getCanonicalName();
    private static final String OTHERS = "another application's listener, filter or handback leads to this"
            + " application, and that application would hear no more notifications";

    /** Where a broadcaster keeps its listeners: a list of records of listener, filter and handback. */
    private record Listeners(Optional<InternalField> list, Optional<InternalField> listener,
            Optional<InternalField> filter, Optional<InternalField> handback) {

        static Listeners of(String broadcaster) {
            String info = broadcaster + "$ListenerInfo";
            return new Listeners(JdkInternals.optionalField(broadcaster, "listenerList"),
                    JdkInternals.optionalField(info, "listener"), JdkInternals.optionalField(info, "filter"),
                    JdkInternals.optionalField(info, "handback"));
        }

        boolean readable() {
            return Stream.of(list, listener, filter, handback)
                    .allMatch(field -> field.filter(InternalField::available).isPresent());
        }
    }

    /** A broadcaster to read: the bean that takes listeners off, its name, and the list it keeps them in. */
    private record Broadcaster(NotificationEmitter bean, String name, Object support, Listeners listeners) {
    }

    /** A listener that reaches the application, with every registration of it that does. */
    private record Leaked(NotificationListener listener, List<Registration> registrations) {
    }

    /** What of a registration reaches the application (listener, filter or handback), and how. */
    private record Reached(Object root, String role, Reach.Chain chain) {
    }

    /**
     * Removing a registration takes the listener exactly as the broadcaster holds it (the server's wrapper, where the
     * application went through the server), with the filter and handback it was added with. Each registration of one
     * listener may reach the application differently: through its own handback, say.
     */
    private record Registration(NotificationEmitter bean, String beanName, NotificationListener held,
            NotificationFilter filter, Object handback, Reached reached) {
    }

    @Override
    public String id() {
        return "notificationListeners";
    }

    @Override
    public String kind() {
        return "NotificationListener";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Improvement> improvedBy() {
        String delegate = "listeners a web application added to the MBean server's delegate, as code waiting for an"
                + " MBean to be registered does, are found and removed (together with the other java.management"
                + " flags)";
        List<Improvement> improvements = new ArrayList<>(Improvement.where(MXBEAN.list(), "notification listeners a"
                + " web application added to the JVM's MXBeans, as garbage collection metrics do, are found and"
                + " removed"));
        improvements.addAll(Improvement.where(SUPPORT.list(), delegate));
        improvements.addAll(Improvement.where(DELEGATE, delegate));
        improvements.addAll(Improvement.where(WRAPPED, "listeners a web application added through the MBean server,"
                + " by a bean's name, are found (together with the other java.management flags)"));
        return improvements;
    }

    @Override
    public void run(Scan scan) {
        Reach reach = scan.reach();
        // One listener is usually added to every collector: one finding for it, naming them all. By identity, for
        // an application's equals() is not to run at its stop.
        Map<NotificationListener, Leaked> byListener = new IdentityHashMap<>();
        List<Leaked> leaked = new ArrayList<>();
        for (Broadcaster broadcaster : broadcasters()) {
            Listeners fields = broadcaster.listeners();
            for (Object record : (List<?>) fields.list().get().get(broadcaster.support())) {
                NotificationListener held = (NotificationListener) fields.listener().get().get(record);
                NotificationListener listener = unwrapped(held);
                NotificationFilter filter = (NotificationFilter) fields.filter().get().get(record);
                Object handback = fields.handback().get().get(record);
                Optional<Reached> reached = reached(reach, listener, filter, handback);
                if (reached.isEmpty()) {
                    continue;
                }
                byListener.computeIfAbsent(listener, l -> {
                    Leaked first = new Leaked(listener, new ArrayList<>());
                    leaked.add(first);
                    return first;
                }).registrations().add(new Registration(broadcaster.bean(), broadcaster.name(), held, filter,
                        handback, reached.get()));
            }
        }
        leaked.forEach(listener -> report(scan, listener));
    }

    /**
     * The MXBeans that send notifications, each once, with its name: the memory MXBean and every memory manager, the
     * collectors among them. Every platform interface would also make the beans the JVM makes only on demand, JFR's
     * among them, at an application's stop. Then the delegate of each MBean server.
     */
    private static List<Broadcaster> broadcasters() {
        List<Broadcaster> broadcasters = new ArrayList<>();
        if (MXBEAN.readable()) {
            List<PlatformManagedObject> beans = new ArrayList<>(ManagementFactory.getMemoryManagerMXBeans());
            beans.addAll(ManagementFactory.getGarbageCollectorMXBeans());
            beans.add(ManagementFactory.getMemoryMXBean());
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (PlatformManagedObject bean : beans) {
                if (bean instanceof NotificationEmitter emitter && isA(bean, MXBEAN_SUPPORT) && seen.add(bean)) {
                    broadcasters.add(new Broadcaster(emitter, bean.getObjectName().getCanonicalName(), bean, MXBEAN));
                }
            }
        }
        if (SUPPORT.readable() && DELEGATE.filter(InternalField::available).isPresent()
                && DELEGATE_SUPPORT.filter(InternalField::available).isPresent()) {
            // Every server made through the factory, the platform one among them, without making that one at a stop.
            for (MBeanServer server : MBeanServerFactory.findMBeanServer(null)) {
                if (isA(server, JMX_SERVER)) {
                    MBeanServerDelegate delegate = (MBeanServerDelegate) DELEGATE.get().get(server);
                    broadcasters.add(new Broadcaster(delegate, DELEGATE_NAME, DELEGATE_SUPPORT.get().get(delegate),
                            SUPPORT));
                }
            }
        }
        return broadcasters;
    }

    private static boolean isA(Object object, String className) {
        for (Class<?> type = object.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Each part of a registration is searched on its own rather than the broadcaster's record of it: the record of one
     * made through the MBean server also holds the bean, whose other listeners are no concern of this one.
     */
    private static Optional<Reached> reached(Reach reach, NotificationListener listener, NotificationFilter filter,
            Object handback) {
        return reach.chain(listener).map(chain -> new Reached(listener, "", chain))
                .or(() -> reach.chain(filter).map(chain -> new Reached(filter, "filter ", chain)))
                .or(() -> reach.chain(handback).map(chain -> new Reached(handback, "handback ", chain)));
    }

    /** The application's own listener, where the MBean server wrapped it. */
    private static NotificationListener unwrapped(NotificationListener held) {
        return WRAPPED.filter(InternalField::available).filter(field -> held.getClass().getName().equals(WRAPPER))
                .map(field -> (NotificationListener) field.get(held)).orElse(held);
    }

    private static void report(Scan scan, Leaked leaked) {
        Set<String> names = new TreeSet<>();
        leaked.registrations().forEach(registration -> names.add("[" + registration.beanName() + "]"));
        Scan.Leak leak = scan.leak("notification listener " + Describe.object(leaked.listener()) + " on "
                + (names.contains("[" + DELEGATE_NAME + "]") ? "MBean(s) " : "MXBean(s) ") + String.join(", ", names));
        Reached reached = leaked.registrations().get(0).reached();
        if (reached.root() != leaked.listener()) {
            List<String> links = new ArrayList<>();
            links.add(reached.role() + Describe.object(reached.root()));
            links.addAll(reached.chain().links());
            leak.via(links);
        } else if (!reached.chain().links().isEmpty()) {
            leak.via(reached.chain().links());
        }
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        // By identity: a record's equals() would run the application's own on its filter and handback.
        Set<Registration> others = Collections.newSetFromMap(new IdentityHashMap<>());
        leaked.registrations().stream()
                .filter(registration -> isAnotherApplications(scan, leaked.listener(), registration.reached()))
                .forEach(others::add);
        if (others.size() == leaked.registrations().size()) {
            leak.warned(OTHERS + "; left in place");
            return;
        }
        for (Registration registration : leaked.registrations()) {
            if (others.contains(registration)) {
                continue;
            }
            try {
                registration.bean().removeNotificationListener(registration.held(), registration.filter(),
                        registration.handback());
            } catch (ListenerNotFoundException e) {
                // Removed by the application's own code since it was read: nothing left to hold it.
            }
        }
        leak.fixed("removed with removeNotificationListener" + (others.isEmpty() ? ""
                : "; " + others.size() + " registration(s) of it left in place: " + OTHERS));
    }

    private static boolean isAnotherApplications(Scan scan, NotificationListener listener, Reached reached) {
        return scan.ownership().isAnotherApplications(listener, reached.chain())
                || scan.ownership().isAnotherApplications(reached.root(), reached.chain());
    }
}

package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;

/**
 * Notification listeners an application added to the JVM's own MXBeans and never removed: metrics libraries count
 * allocations from the garbage collectors' notifications (Micrometer's {@code JvmGcMetrics} left unclosed, the
 * Prometheus client's {@code MemoryAllocationExports}), others watch the memory MXBean's thresholds. The MXBeans live
 * as long as the JVM and hold each listener with its filter and handback.
 *
 * <p>No public API lists an MXBean's listeners, so they are read from the JDK's emitter, which needs an optional
 * opening; they are taken off through the MXBean's own {@code removeNotificationListener}, which also lets a collector
 * stop sending notifications nobody listens to any more.
 */
final class NotificationListeners implements LeakCheck {

    private static final String EMITTER = "sun.management.NotificationEmitterSupport";
    private static final Optional<InternalField> LISTENERS = JdkInternals.optionalField(EMITTER, "listenerList");
    private static final Optional<InternalField> LISTENER =
            JdkInternals.optionalField(EMITTER + "$ListenerInfo", "listener");
    private static final Optional<InternalField> FILTER =
            JdkInternals.optionalField(EMITTER + "$ListenerInfo", "filter");
    private static final Optional<InternalField> HANDBACK =
            JdkInternals.optionalField(EMITTER + "$ListenerInfo", "handback");

    /** A listener that reaches the application, by the first path found, with every registration of it. */
    private record Leaked(NotificationListener listener, List<String> path, List<Registration> registrations) {
    }

    /** Removing a registration takes the listener with exactly the filter and handback it was added with. */
    private record Registration(NotificationEmitter bean, String beanName, NotificationFilter filter,
            Object handback) {
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
        return Improvement.where(LISTENERS, "notification listeners a web application added to the JVM's MXBeans,"
                + " as garbage collection metrics do, are found and removed");
    }

    @Override
    public void run(Scan scan) {
        if (!Stream.of(LISTENERS, LISTENER, FILTER, HANDBACK).allMatch(f -> f.filter(InternalField::available)
                .isPresent())) {
            return;
        }
        Reach reach = scan.reach();
        // One listener is usually added to every collector: one finding for it, naming them all. By identity, for
        // an application's equals() is not to run at its stop.
        Map<NotificationListener, Leaked> byListener = new IdentityHashMap<>();
        List<Leaked> leaked = new ArrayList<>();
        for (Map.Entry<NotificationEmitter, String> bean : emitters().entrySet()) {
            for (Object info : (List<?>) LISTENERS.get().get(bean.getKey())) {
                Optional<List<String>> path = reach.from(info);
                if (path.isEmpty()) {
                    continue;
                }
                NotificationListener listener = (NotificationListener) LISTENER.get().get(info);
                byListener.computeIfAbsent(listener, l -> {
                    Leaked first = new Leaked(listener, path.get(), new ArrayList<>());
                    leaked.add(first);
                    return first;
                }).registrations().add(new Registration(bean.getKey(), bean.getValue(),
                        (NotificationFilter) FILTER.get().get(info), HANDBACK.get().get(info)));
            }
        }
        leaked.forEach(listener -> report(scan, listener));
    }

    /**
     * The MXBeans that send notifications, each once, with its name: the memory MXBean and every memory manager, the
     * collectors among them. Every platform interface would also make the beans the JVM makes only on demand, JFR's
     * among them, at an application's stop.
     */
    private static Map<NotificationEmitter, String> emitters() {
        List<PlatformManagedObject> beans = new ArrayList<>(ManagementFactory.getMemoryManagerMXBeans());
        beans.addAll(ManagementFactory.getGarbageCollectorMXBeans());
        beans.add(ManagementFactory.getMemoryMXBean());
        Map<NotificationEmitter, String> emitters = new IdentityHashMap<>();
        for (PlatformManagedObject bean : beans) {
            if (bean instanceof NotificationEmitter emitter && isJdkEmitter(bean)) {
                emitters.putIfAbsent(emitter, bean.getObjectName().getCanonicalName());
            }
        }
        return emitters;
    }

    private static boolean isJdkEmitter(Object bean) {
        for (Class<?> type = bean.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals(EMITTER)) {
                return true;
            }
        }
        return false;
    }

    private static void report(Scan scan, Leaked leaked) {
        Set<String> names = new TreeSet<>();
        leaked.registrations().forEach(registration -> names.add("[" + registration.beanName() + "]"));
        Scan.Leak leak = scan.leak("notification listener " + Describe.object(leaked.listener()) + " on MXBean(s) "
                + String.join(", ", names));
        // The path starts at the MXBean's record of the registration: worth showing only when it goes further.
        if (!scan.ownership().ownsObject(leaked.listener())) {
            leak.via(leaked.path());
        }
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        for (Registration registration : leaked.registrations()) {
            try {
                registration.bean().removeNotificationListener(leaked.listener(), registration.filter(),
                        registration.handback());
            } catch (ListenerNotFoundException e) {
                // Removed by the application's own code since it was read: nothing left to hold it.
            }
        }
        leak.fixed("removed with removeNotificationListener");
    }
}

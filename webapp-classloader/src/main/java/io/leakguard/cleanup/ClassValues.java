package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.management.JMException;

/**
 * Values that a {@code ClassValue} of the web application computed for a class that outlives it, {@code String} say,
 * as dynamic language runtimes (Groovy, Scala, Kotlin reflection) do for every class they meet. The JDK keeps each
 * value in a map of the class it was computed for, keyed weakly by the ClassValue: a value that reaches the
 * application keeps its ClassValue alive through its class, so the entry is never cleared (JDK-8136353). Removing the
 * value as {@code ClassValue.remove} does is always safe: a later {@code get} would compute it again, and nothing of a
 * stopped application calls it.
 *
 * <p>Only applications that define a subclass of {@code ClassValue} are searched, as every ClassValue must be one:
 * the search reads every class of the server's loaders and of the JDK, a few microseconds each.
 */
final class ClassValues implements LeakCheck {

    private static final String ENTRY = "java.lang.ClassValue$Entry";
    /** The map a class keeps its ClassValue values in; null until one is computed for it. */
    private static final InternalField VALUES = JdkInternals.field("java.lang.Class", "classValueMap");
    private static final InternalField VALUE = JdkInternals.field(ENTRY, "value");
    private static final InternalMethod CLASS_VALUE = JdkInternals.method(ENTRY, "classValueOrNull");
    private static final String MAP = "java.lang.ClassValue$ClassValueMap";
    /**
     * What {@code ClassValue.remove} does once it has the class's map. The application's ClassValue may override
     * remove, and its override may fail on what the application's stop closed, or wait for good.
     */
    private static final InternalMethod REMOVE = JdkInternals.optionalMethod(MAP, "removeAccess", ClassValue.class)
            .orElseGet(() -> JdkInternals.method(MAP, "removeEntry", ClassValue.class));

    /** A value in {@code values}, the map of a class. */
    private record Computed(Map<?, ?> values, ClassValue<?> classValue, Object value) {
    }

    @Override
    public String id() {
        return "classValues";
    }

    @Override
    public String kind() {
        return "ClassValue";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        return List.of(LoadedClasses.CLASSES, VALUES, VALUE, CLASS_VALUE, REMOVE);
    }

    @Override
    public void run(Scan scan) throws JMException {
        if (LoadedClasses.of(scan.loader()).stream().noneMatch(ClassValue.class::isAssignableFrom)) {
            return;
        }
        Reach reach = scan.reach();
        for (Class<?> type : OutlivingClasses.above(scan.loader())) {
            if (scan.expired()) {
                scan.leak("ClassValue values of the classes after " + type.getName() + " were not inspected")
                        .skipped("the check used its " + scan.policy().checkBudget().toMillis() + " ms budget");
                return;
            }
            for (Computed computed : computedByTheApplication(type, scan.ownership())) {
                Optional<List<String>> path = reach.from(computed.value());
                if (path.isPresent()) {
                    report(scan, type, computed, path.get());
                }
            }
        }
    }

    private static void report(Scan scan, Class<?> type, Computed computed, List<String> path) {
        Scan.Leak leak = scan.leak("value " + Describe.object(computed.value()) + " that ClassValue "
                + computed.classValue().getClass().getName() + " computed for " + Describe.object(type)
                + ", which that class keeps as long as the ClassValue lives").via(path);
        if (!scan.fixing()) {
            leak.warned(scan.policyReason());
            return;
        }
        REMOVE.invoke(computed.values(), computed.classValue());
        leak.fixed("removed as ClassValue.remove(" + type.getName() + ") does, without the ClassValue's own remove");
    }

    /** The values that ClassValues of the application's classes computed for {@code type}. */
    private static List<Computed> computedByTheApplication(Class<?> type, Ownership ownership) {
        Map<?, ?> values = (Map<?, ?>) VALUES.get(type);
        if (values == null) {
            return List.of();
        }
        List<Computed> computed = new ArrayList<>();
        // Every access of the JDK's own to this map holds its monitor.
        synchronized (values) {
            for (Object entry : values.values()) {
                if (!entry.getClass().getName().equals(ENTRY)) {
                    continue; // a computation under way, or a removal's mark
                }
                ClassValue<?> classValue = (ClassValue<?>) CLASS_VALUE.invoke(entry);
                Object value = VALUE.get(entry);
                if (classValue != null && ownership.owns(classValue.getClass()) && value != entry) {
                    computed.add(new Computed(values, classValue, value));
                }
            }
        }
        return computed;
    }
}

package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Locale;

/**
 * Static fields of the dying web application's classes that keep a lot of memory alive. While the class loader is
 * collected they cost nothing; but when anything else still holds it, each such field is what makes a redeploy leak
 * megabytes instead of kilobytes, so knowing them tells where the memory goes. Fixing means setting the field to
 * null: that frees the memory even while the loader itself leaks, but code of the application that still runs (a
 * logging library's shutdown hook, a thread the stop could not end) then meets a null it never expected, which is
 * why this check only warns unless told otherwise. Final fields cannot be set and are only reported.
 */
final class StaticFields implements LeakCheck {

    private static final InternalMethod GET_UNSAFE = JdkInternals.method("jdk.internal.misc.Unsafe", "getUnsafe");
    private static final InternalMethod SHOULD_BE_INITIALIZED =
            JdkInternals.method("jdk.internal.misc.Unsafe", "shouldBeInitialized", Class.class);

    @Override
    public String id() {
        return "staticFields";
    }

    @Override
    public String kind() {
        return "Static field";
    }

    @Override
    public Mode defaultMode() {
        return Mode.WARN;
    }

    /** sun.misc.Unsafe lost shouldBeInitialized in Java 22; the JDK's own Unsafe still has it. */
    @Override
    public List<Internal> needs() {
        return List.of(LoadedClasses.CLASSES, GET_UNSAFE, SHOULD_BE_INITIALIZED);
    }

    @Override
    public void run(Scan scan) throws IllegalAccessException {
        Object unsafe = GET_UNSAFE.invoke(null);
        RetainedSize retained = new RetainedSize(scan.ownership(), scan.policy().walkMaxDepth(),
                scan.policy().walkMaxNodes());
        for (Class<?> type : LoadedClasses.of(scan.loader())) {
            if (scan.expired()) {
                scan.leak("static fields of " + type.getName() + " and later classes were not inspected")
                        .skipped("the check used its " + scan.policy().checkBudget().toMillis() + " ms budget");
                return;
            }
            // Reading a static of a class not yet initialised would run the application's static initialiser now,
            // during the stop: starting threads, opening connections, registering drivers all over again.
            if (!(Boolean) SHOULD_BE_INITIALIZED.invoke(unsafe, type)) {
                inspect(type, retained, scan);
            }
        }
    }

    private static void inspect(Class<?> type, RetainedSize retained, Scan scan) throws IllegalAccessException {
        Field[] fields;
        try {
            fields = type.getDeclaredFields();
        } catch (LinkageError e) {
            // A field's type is missing from the application (an optional dependency): no field can be read.
            return;
        }
        for (Field field : fields) {
            int modifiers = field.getModifiers();
            if (!Modifier.isStatic(modifiers) || field.getType().isPrimitive() || !JdkInternals.tryOpen(field)) {
                continue;
            }
            long bytes = retained.of(field.get(null));
            if (bytes < scan.policy().largeStaticBytes()) {
                continue;
            }
            Scan.Leak leak = scan.leak(type.getName() + "." + field.getName() + " (" + field.getType().getTypeName()
                    + ") retains about " + size(bytes) + " for as long as anything holds the class loader");
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
            } else if (Modifier.isFinal(modifiers)) {
                leak.warned("the field is final, and final static fields cannot be set");
            } else {
                field.set(null, null);
                leak.fixed("field set to null");
            }
        }
    }

    private static String size(long bytes) {
        if (bytes >= 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%d KiB", bytes / 1024);
    }
}

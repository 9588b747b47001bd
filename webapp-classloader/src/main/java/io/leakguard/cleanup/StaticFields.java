package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
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

    @Override
    public List<Internal> needs() {
        return InitializedStatics.needs();
    }

    @Override
    public void run(Scan scan) throws IllegalAccessException {
        RetainedSize retained = new RetainedSize(scan.ownership(), scan.policy().walkMaxDepth(),
                scan.policy().walkMaxNodes());
        for (Class<?> type : InitializedStatics.classes(scan.loader())) {
            if (scan.expired()) {
                scan.leak("static fields of " + type.getName() + " and later classes were not inspected")
                        .skipped("the check used its " + scan.policy().checkBudget().toMillis() + " ms budget");
                return;
            }
            inspect(type, retained, scan);
        }
    }

    private static void inspect(Class<?> type, RetainedSize retained, Scan scan) throws IllegalAccessException {
        for (Field field : InitializedStatics.referenceFields(type)) {
            long bytes = retained.of(field.get(null));
            if (bytes < scan.policy().largeStaticBytes()) {
                continue;
            }
            Scan.Leak leak = scan.leak(type.getName() + "." + field.getName() + " (" + field.getType().getTypeName()
                    + ") retains about " + size(bytes) + " for as long as anything holds the class loader");
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
            } else if (Modifier.isFinal(field.getModifiers())) {
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

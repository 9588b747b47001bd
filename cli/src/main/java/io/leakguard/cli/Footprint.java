package io.leakguard.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.Locale;

/**
 * What the JVM holds for classes at one moment: the count of loaded classes and the metaspace in use. A leaked
 * web application keeps all of its classes, so both grow with every redeploy that leaks.
 *
 * @param metaspaceBytes -1 on a JVM without a "Metaspace" memory pool
 */
record Footprint(long loadedClasses, long metaspaceBytes) {

    static Footprint now() {
        long metaspace = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getName().equals("Metaspace")).map(MemoryPoolMXBean::getUsage)
                .mapToLong(usage -> usage.getUsed()).findFirst().orElse(-1);
        return new Footprint(ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(), metaspace);
    }

    String text() {
        return loadedClasses + " classes, " + (metaspaceBytes < 0 ? "metaspace unknown" : megabytes(metaspaceBytes)
                + " metaspace");
    }

    /** The growth from {@code before} to this, signed. */
    String growthSince(Footprint before) {
        long classes = loadedClasses - before.loadedClasses;
        String text = (classes >= 0 ? "+" : "") + classes + " classes";
        if (metaspaceBytes >= 0 && before.metaspaceBytes >= 0) {
            long bytes = metaspaceBytes - before.metaspaceBytes;
            text += ", " + (bytes >= 0 ? "+" : "-") + megabytes(Math.abs(bytes)) + " metaspace";
        }
        return text;
    }

    /** In kilobytes below a megabyte, where one small application's classes show. */
    private static String megabytes(long bytes) {
        return bytes < 1024 * 1024 ? bytes / 1024 + " KB"
                : String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    String json() {
        return "{\"loadedClasses\": " + loadedClasses + ", \"metaspaceBytes\": " + metaspaceBytes + "}";
    }
}

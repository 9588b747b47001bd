package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.util.ArrayList;
import java.util.List;

/**
 * The classes a loader has defined so far, read from the JDK's own list so that nothing new is loaded or initialised.
 */
public final class LoadedClasses {

    /** The list the JVM appends every class defined by a loader to. */
    public static final InternalField CLASSES =
            JdkInternals.hiddenField("java.lang.ClassLoader", "classes", ArrayList.class);

    private LoadedClasses() {
    }

    public static List<Class<?>> of(ClassLoader loader) {
        @SuppressWarnings("unchecked")
        List<Class<?>> classes = (List<Class<?>>) CLASSES.get(loader);
        // ClassLoader.addClass appends while holding the list's own monitor.
        synchronized (classes) {
            return new ArrayList<>(classes);
        }
    }
}

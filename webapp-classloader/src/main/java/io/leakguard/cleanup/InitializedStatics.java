package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalMethod;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The static reference fields of a dying web application's classes, read without initialising any class. Reading a
 * static of a class not yet initialised would run the application's static initialiser during the stop: starting
 * threads, opening connections, registering drivers all over again. Only the JDK's own Unsafe can tell whether a class
 * is initialised without initialising it ({@code sun.misc.Unsafe} lost that method in Java 22).
 */
final class InitializedStatics {

    private static final InternalMethod GET_UNSAFE = JdkInternals.method("jdk.internal.misc.Unsafe", "getUnsafe");
    private static final InternalMethod SHOULD_BE_INITIALIZED =
            JdkInternals.method("jdk.internal.misc.Unsafe", "shouldBeInitialized", Class.class);

    private InitializedStatics() {
    }

    static List<Internal> needs() {
        return List.of(LoadedClasses.CLASSES, GET_UNSAFE, SHOULD_BE_INITIALIZED);
    }

    static boolean available() {
        return needs().stream().allMatch(Internal::available);
    }

    /** The loader's classes whose static initialiser has run, in the order they were defined. */
    static List<Class<?>> classes(ClassLoader loader) {
        Object unsafe = GET_UNSAFE.invoke(null);
        List<Class<?>> initialized = new ArrayList<>();
        for (Class<?> type : LoadedClasses.of(loader)) {
            if (!(Boolean) SHOULD_BE_INITIALIZED.invoke(unsafe, type)) {
                initialized.add(type);
            }
        }
        return initialized;
    }

    /** The static reference fields of {@code type} leakguard may read. */
    static List<Field> referenceFields(Class<?> type) {
        List<Field> references = new ArrayList<>();
        for (Field field : Reach.declaredFields(type)) {
            if (Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()
                    && JdkInternals.tryOpen(field)) {
                references.add(field);
            }
        }
        return references;
    }
}

package io.leakguard.cleanup.jdk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.InaccessibleObjectException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one door into JDK internals. Every private JDK field leakguard reads is opened here, so the knowledge of which
 * {@code --add-opens} flag each access needs lives in one place and a missing flag turns into an explanation rather
 * than an {@link InaccessibleObjectException} in the middle of a cleanup.
 */
public final class JdkInternals {

    static final String ADD_OPENS = "--add-opens=";

    private static final Map<String, Optional<InternalField>> FIELDS = new ConcurrentHashMap<>();
    private static final Map<String, Optional<InternalMethod>> METHODS = new ConcurrentHashMap<>();

    private JdkInternals() {
    }

    /** A field every supported JDK has. If this JDK lacks it, it is reported unavailable like a missing flag. */
    public static InternalField field(String className, String fieldName) {
        return optionalField(className, fieldName).orElseGet(() -> absentField(className, fieldName));
    }

    /** A field only some JDKs have (say, one removed in a later release): empty where this JDK has no such field. */
    public static Optional<InternalField> optionalField(String className, String fieldName) {
        return FIELDS.computeIfAbsent(className + "." + fieldName, key -> open(className, fieldName));
    }

    /**
     * An instance field of {@code type} that the JDK hides from reflection ({@code getDeclaredField} says there is no
     * such field): since Java 12 that is every field of {@code ClassLoader}, among others. A method handle lookup
     * still finds it, given the same {@code --add-opens} a visible field needs.
     */
    public static InternalField hiddenField(String className, String fieldName, Class<?> type) {
        return FIELDS.computeIfAbsent(className + "." + fieldName, key -> {
            String description = simpleName(className) + "." + fieldName;
            Class<?> owner;
            try {
                owner = jdkClass(className);
            } catch (ClassNotFoundException e) {
                return Optional.empty();
            }
            try {
                VarHandle handle = MethodHandles.privateLookupIn(owner, MethodHandles.lookup())
                        .findVarHandle(owner, fieldName, type);
                return Optional.of(new InternalField(description, handle, null));
            } catch (IllegalAccessException e) {
                return Optional.of(new InternalField(description, (VarHandle) null, addOpensFlag(owner)));
            } catch (NoSuchFieldException e) {
                return Optional.empty();
            }
        }).orElseGet(() -> absentField(className, fieldName));
    }

    /** A method every supported JDK has; reported unavailable like a missing flag where this JDK lacks it. */
    public static InternalMethod method(String className, String methodName, Class<?>... parameterTypes) {
        return optionalMethod(className, methodName, parameterTypes)
                .orElseGet(() -> new InternalMethod(className + "." + methodName + "()", null, notPresent()));
    }

    /**
     * A method every supported JDK has that takes JDK classes no caller can name in code, being internal themselves:
     * its parameter types are given by name.
     */
    public static InternalMethod method(String className, String methodName, String parameterType,
            String... moreParameterTypes) {
        Class<?>[] types = new Class<?>[moreParameterTypes.length + 1];
        try {
            types[0] = jdkClass(parameterType);
            for (int i = 0; i < moreParameterTypes.length; i++) {
                types[i + 1] = jdkClass(moreParameterTypes[i]);
            }
        } catch (ClassNotFoundException e) {
            return new InternalMethod(className + "." + methodName + "()", null, notPresent());
        }
        return method(className, methodName, types);
    }

    /** A method only some JDKs have: empty where this JDK has no such method. */
    public static Optional<InternalMethod> optionalMethod(String className, String methodName,
            Class<?>... parameterTypes) {
        String key = className + "." + methodName + Arrays.toString(parameterTypes);
        return METHODS.computeIfAbsent(key, k -> {
            try {
                Class<?> owner = jdkClass(className);
                Method method = owner.getDeclaredMethod(methodName, parameterTypes);
                boolean opened = trySetAccessible(method);
                return Optional.of(new InternalMethod(simpleName(className) + "." + methodName + "()",
                        opened ? method : null, opened ? null : addOpensFlag(owner)));
            } catch (ClassNotFoundException | NoSuchMethodException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * Opens a field of any class for reading, if its module lets leakguard: always for library and web application
     * classes, for JDK classes only where the package was opened. Used by reference walks, which go wherever the
     * object graph leads and simply do not follow what is closed.
     */
    public static boolean tryOpen(Field field) {
        return trySetAccessible(field);
    }

    /** The flag that opens the package of {@code type} to leakguard, whatever loaded leakguard. */
    public static String addOpensFlag(Class<?> type) {
        Module module = type.getModule();
        return ADD_OPENS + module.getName() + "/" + type.getPackageName() + "=ALL-UNNAMED";
    }

    /** True when private members of classes in {@code type}'s package can be read from leakguard. */
    public static boolean isOpen(Class<?> type) {
        return type.getModule().isOpen(type.getPackageName(), JdkInternals.class.getModule());
    }

    private static Optional<InternalField> open(String className, String fieldName) {
        Class<?> owner;
        Field field;
        try {
            owner = jdkClass(className);
            field = owner.getDeclaredField(fieldName);
        } catch (ClassNotFoundException | NoSuchFieldException e) {
            return Optional.empty();
        }
        boolean opened = trySetAccessible(field);
        return Optional.of(new InternalField(simpleName(className) + "." + fieldName,
                opened ? field : null, opened ? null : addOpensFlag(owner)));
    }

    private static InternalField absentField(String className, String fieldName) {
        return new InternalField(className + "." + fieldName, (Field) null, notPresent());
    }

    private static String notPresent() {
        return "not present on Java " + Runtime.version().feature();
    }

    /** True when this runtime has the named module: a jlink-ed runtime may lack java.rmi or java.desktop. */
    public static boolean hasModule(String name) {
        return ModuleLayer.boot().findModule(name).isPresent();
    }

    /** Loads without initialising; through the platform loader, since modules like java.net.http are defined to it. */
    private static Class<?> jdkClass(String className) throws ClassNotFoundException {
        return Class.forName(className, false, ClassLoader.getPlatformClassLoader());
    }

    private static boolean trySetAccessible(AccessibleObject member) {
        try {
            return member.trySetAccessible();
        } catch (SecurityException e) {
            return false;
        }
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}

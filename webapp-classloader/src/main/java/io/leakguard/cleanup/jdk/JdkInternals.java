package io.leakguard.cleanup.jdk;

import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one door into JDK internals. Every private JDK field leakguard reads is opened here, so the knowledge of which
 * {@code --add-opens} flag each access needs lives in one place and a missing flag turns into an explanation rather
 * than an {@link InaccessibleObjectException} in the middle of a cleanup.
 */
public final class JdkInternals {

    private static final Map<String, Optional<InternalField>> FIELDS = new ConcurrentHashMap<>();

    private JdkInternals() {
    }

    /** A field every supported JDK has. If this JDK lacks it, it is reported unavailable like a missing flag. */
    public static InternalField field(String className, String fieldName) {
        return optionalField(className, fieldName)
                .orElseGet(() -> new InternalField(className + "." + fieldName, null,
                        "not present on Java " + Runtime.version().feature()));
    }

    /** A field only some JDKs have (say, one removed in a later release): empty where this JDK has no such field. */
    public static Optional<InternalField> optionalField(String className, String fieldName) {
        return FIELDS.computeIfAbsent(className + "." + fieldName, key -> open(className, fieldName));
    }

    /** The flag that opens the package of {@code type} to leakguard, whatever loaded leakguard. */
    public static String addOpensFlag(Class<?> type) {
        Module module = type.getModule();
        return "--add-opens=" + module.getName() + "/" + type.getPackageName() + "=ALL-UNNAMED";
    }

    /** True when private members of classes in {@code type}'s package can be read from leakguard. */
    public static boolean isOpen(Class<?> type) {
        return type.getModule().isOpen(type.getPackageName(), JdkInternals.class.getModule());
    }

    private static Optional<InternalField> open(String className, String fieldName) {
        Class<?> owner;
        Field field;
        try {
            owner = Class.forName(className, false, null);
            field = owner.getDeclaredField(fieldName);
        } catch (ClassNotFoundException | NoSuchFieldException e) {
            return Optional.empty();
        }
        boolean opened;
        try {
            opened = field.trySetAccessible();
        } catch (SecurityException e) {
            opened = false;
        }
        return Optional.of(new InternalField(className.substring(className.lastIndexOf('.') + 1) + "." + fieldName,
                opened ? field : null, opened ? null : addOpensFlag(owner)));
    }
}

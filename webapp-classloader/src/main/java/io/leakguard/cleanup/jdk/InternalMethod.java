package io.leakguard.cleanup.jdk;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * A non-public JDK method, opened once; like {@link InternalField}, unavailable with the missing flag named rather than
 * throwing when the JVM was not started with the {@code --add-opens} it needs.
 */
public final class InternalMethod implements Internal {

    private final String description;
    private final Method method;
    private final String missing;

    InternalMethod(String description, Method method, String missing) {
        this.description = description;
        this.method = method;
        this.missing = missing;
    }

    @Override
    public boolean available() {
        return method != null;
    }

    /**
     * Why this method cannot be called on this JVM, typically the exact {@code --add-opens} flag; null when available.
     */
    @Override
    public String missing() {
        return missing;
    }

    @Override
    public String description() {
        return description;
    }

    /** Calls the method; what it throws is rethrown unchanged when unchecked, wrapped otherwise. */
    public Object invoke(Object target, Object... arguments) {
        try {
            return method.invoke(target, arguments);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(description + " was opened but cannot be called", e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(description + " failed", e.getCause());
        }
    }

    @Override
    public String toString() {
        return available() ? description : description + " (" + missing + ")";
    }
}

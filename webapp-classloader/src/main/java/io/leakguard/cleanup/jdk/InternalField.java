package io.leakguard.cleanup.jdk;

import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;

/**
 * A private field of a JDK class, opened once. When the JVM was not started with the {@code --add-opens} the field
 * needs, it is {@linkplain #available() unavailable} and says which flag is missing instead of throwing.
 */
public final class InternalField implements Internal {

    private final String description;
    private final Field field;
    /** Set instead of {@link #field} for an instance field the JDK hides from reflection. */
    private final VarHandle hidden;
    private final String missing;

    InternalField(String description, Field field, String missing) {
        this(description, field, null, missing);
    }

    InternalField(String description, VarHandle hidden, String missing) {
        this(description, null, hidden, missing);
    }

    private InternalField(String description, Field field, VarHandle hidden, String missing) {
        this.description = description;
        this.field = field;
        this.hidden = hidden;
        this.missing = missing;
    }

    @Override
    public boolean available() {
        return field != null || hidden != null;
    }

    /** Why this field cannot be read on this JVM, typically the exact {@code --add-opens} flag; null when available. */
    @Override
    public String missing() {
        return missing;
    }

    /** {@code Class.field}, for messages. */
    @Override
    public String description() {
        return description;
    }

    public Object get(Object target) {
        if (hidden != null) {
            return hidden.get(target);
        }
        try {
            return field.get(target);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(description + " was opened but cannot be read", e);
        }
    }

    public void set(Object target, Object value) {
        if (hidden != null) {
            hidden.set(target, value);
            return;
        }
        try {
            field.set(target, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(description + " was opened but cannot be written", e);
        }
    }

    @Override
    public String toString() {
        return available() ? description : description + " (" + missing + ")";
    }
}

package io.leakguard.findleaks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Stands in for a web application class loader: defines its own copies of test classes, as a webapp loader defines
 * the application's classes, so that instances of them pin this loader.
 */
final class DefiningLoader extends ClassLoader {

    private final Map<String, Class<?>> defined = new HashMap<>();

    DefiningLoader() {
        super(DefiningLoader.class.getClassLoader());
    }

    /** A new instance of this loader's own copy of {@code type}. */
    Object newInstance(Class<?> type) {
        try {
            return defineCopy(type.getName()).getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized Class<?> defineCopy(String name) {
        Class<?> copy = defined.get(name);
        if (copy == null) {
            String resource = name.replace('.', '/') + ".class";
            try (InputStream in = getParent().getResourceAsStream(resource)) {
                byte[] bytes = in.readAllBytes();
                copy = defineClass(name, bytes, 0, bytes.length);
                defined.put(name, copy);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return copy;
    }
}

package io.leakguard.cleanup;

import java.io.InputStream;

/** A stand-in for a stopping web application's loader in engine tests: it defines its own copy of {@link Marker}. */
final class DyingLoader extends ClassLoader {

    /** Instances made by {@link #newMarker()} belong to the dying loader. */
    public static final class Marker {
    }

    DyingLoader() {
        super(DyingLoader.class.getClassLoader());
    }

    Object newMarker() throws Exception {
        String name = Marker.class.getName();
        Class<?> own = findLoadedClass(name);
        if (own == null) {
            try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                byte[] bytes = in.readAllBytes();
                own = defineClass(name, bytes, 0, bytes.length);
            }
        }
        return own.getDeclaredConstructor().newInstance();
    }
}

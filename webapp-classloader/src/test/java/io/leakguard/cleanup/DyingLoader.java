package io.leakguard.cleanup;

import java.io.InputStream;

/** A stand-in for a stopping web application's loader in engine tests: it defines its own copy of {@link Marker}. */
class DyingLoader extends ClassLoader {

    /** Instances made by {@link #newMarker()} belong to the dying loader. */
    public static final class Marker {
    }

    /** A task of the dying application, for the threads it makes. */
    public static final class Chore implements Runnable {
        @Override
        public void run() {
        }
    }

    DyingLoader() {
        super(DyingLoader.class.getClassLoader());
    }

    Object newMarker() throws Exception {
        return newInstance(Marker.class);
    }

    /** An instance of this loader's own copy of {@code template}, public with a public no-argument constructor. */
    Object newInstance(Class<?> template) throws Exception {
        String name = template.getName();
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

package io.leakguard.cleanup;

/**
 * Names objects for messages without running their code: a web application's {@code toString()} may throw, block
 * or allocate on a thread that is not its own, so it is never called.
 */
public final class Describe {

    private Describe() {
    }

    public static String object(Object object) {
        if (object == null) {
            return "null";
        }
        if (object instanceof Class<?> type) {
            return "class " + type.getName();
        }
        if (object instanceof String text) {
            return '"' + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + '"';
        }
        return object.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(object));
    }

    /**
     * What a call failed with: a JDK exception with its message, any other by its class alone, as its getMessage()
     * and toString() are its own code, which may fail in turn on what the application's stop closed.
     */
    public static String failure(Throwable failure) {
        return Reach.isJdk(failure.getClass()) ? failure.toString() : failure.getClass().getName();
    }
}

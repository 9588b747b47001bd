package io.leakguard.listener;

import java.util.List;

/**
 * One known place where the JRE keeps the context class loader of whoever touches it first: a web application's, if
 * a web application is first. Preloading the offender once at server start, with the system loader as context class
 * loader, lets the JRE keep that loader instead.
 *
 * @param id        the setting name, as in the listener's configuration
 * @param fromJdk   first Java feature release where it matters
 * @param toJdk     last Java feature release where it matters, inclusive; {@link #STILL_OPEN} when no JDK fixed it
 * @param module    the JDK module the offender lives in; absent from a trimmed runtime, and then nothing can pin
 * @param triggers  what the preload does and why, with the JDK bug when known
 * @param defaultOn whether the listener preloads it unless configured otherwise
 * @param action    the preload itself
 */
public record JreOffender(String id, int fromJdk, int toJdk, String module, String triggers, boolean defaultOn,
        Action action) {

    public static final int STILL_OPEN = Integer.MAX_VALUE;

    /** A preload; it may throw, and then only this offender is reported as not preloaded. */
    @FunctionalInterface
    public interface Action {
        void run(Configured configured) throws Exception;
    }

    /**
     * What the operator configured for the preloads, from the listener's attributes.
     *
     * @param classesToInitialize the classes the {@code classesToInitialize} entry initialises
     */
    public record Configured(List<String> classesToInitialize) {

        public static final Configured NOTHING = new Configured(List.of());

        public Configured {
            classesToInitialize = List.copyOf(classesToInitialize);
        }
    }

    /** Whether this offender can still pin a web application on the running JDK. */
    public boolean mattersHere() {
        int feature = Runtime.version().feature();
        return fromJdk <= feature && feature <= toJdk && ModuleLayer.boot().findModule(module).isPresent();
    }
}

package io.leakguard.listener;

import java.util.Locale;

/** When the listener renews pooled threads after a context stops. */
enum Renewal {
    /** Only the pools with a thread that holds a leak the engine reported but did not fix. */
    LEAKS,
    /**
     * Every pool of the server after every stop, as Tomcat's ThreadLocalLeakPreventionListener does for the pools its
     * connectors use; here also {@code <Executor>}s no connector uses, and the utility pool.
     */
    ALWAYS,
    /** Never. */
    OFF;

    static Renewal parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attribute [" + ListenerSettings.RENEWAL + "] is [" + value
                    + "]; accepted values: leaks, always, off", e);
        }
    }
}

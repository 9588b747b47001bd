package io.leakguard.sites;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where things that leak were created, as instrumented web application code reports it. Held weakly and by identity:
 * the record must never keep a web application's object, or through it its class loader, alive, and must never run
 * its {@code equals} or {@code hashCode}, which a {@link java.util.WeakHashMap} would.
 */
public final class CreationSites {

    private static final Map<Key, String> SITES = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();
    private static final InternalField TIMER_THREAD = JdkInternals.field("java.util.Timer", "thread");

    private CreationSites() {
    }

    /** Called by instrumented code: {@code site} is a constant such as {@code com.acme.Jobs.init(Jobs.java:42)}. */
    public static void record(Object created, String site) {
        expungeCollected();
        if (created != null) {
            SITES.put(new Key(created, COLLECTED), site);
        }
    }

    /** Called by instrumented code before any {@code start()} call: only a Thread's is the start of a thread. */
    public static void recordThread(Object receiver, String site) {
        if (receiver instanceof Thread) {
            record(receiver, site);
        }
    }

    /**
     * Called by instrumented code once a Timer is made. A timer's thread is all of it the timer check can find (nothing
     * refers from the thread back to the Timer), so the thread is recorded; without {@code --add-opens} for
     * {@code java.util}, which that check needs as well, nothing is.
     */
    public static void recordTimer(Object timer, String site) {
        if (TIMER_THREAD.available()) {
            record(TIMER_THREAD.get(timer), site);
        }
    }

    /** Called by instrumented code for a call that makes two things leak at once, such as a ThreadLocal entry. */
    public static void record(Object created, Object alsoCreated, String site) {
        record(created, site);
        record(alsoCreated, site);
    }

    /** Where {@code created} was made, or null when no instrumented call site reported it. */
    public static String of(Object created) {
        return created == null ? null : SITES.get(new Key(created, null));
    }

    private static void expungeCollected() {
        for (Object key = COLLECTED.poll(); key != null; key = COLLECTED.poll()) {
            SITES.remove(key);
        }
    }

    /** Equal to another key while both refer to the same live object, or when it is the very same key. */
    private static final class Key extends WeakReference<Object> {

        private final int hash;

        Key(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (other == this) {
                return true;
            }
            if (!(other instanceof Key key) || key.hash != hash) {
                return false;
            }
            Object referent = get();
            return referent != null && referent == key.get();
        }
    }
}

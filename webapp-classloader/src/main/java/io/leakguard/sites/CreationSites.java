package io.leakguard.sites;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Where things that leak were created, as instrumented web application code reports it. Held weakly and by identity:
 * the record must never keep a web application's object, or through it its class loader, alive, and must never run
 * its {@code equals} or {@code hashCode}, which a {@link java.util.WeakHashMap} would.
 *
 * <p>Instrumented code runs on every request, so recording an object its call site has just recorded (a static
 * ThreadLocal set on every request) costs one map lookup by the site's constant and allocates nothing. Only a new
 * object, or an object seen at a new site, pays for a weak reference and a map entry, and never more than
 * {@link #CAPACITY} entries are held: a web application that starts a thread per request must not grow this map
 * without bound between two collections.
 */
public final class CreationSites {

    /**
     * About 100 bytes each, a few megabytes in all: far more live threads, pools and ThreadLocals than a server has.
     */
    static final int CAPACITY = 50_000;
    /** A ThreadLocal set from many places keeps the last few of them. */
    private static final int SITES_PER_OBJECT = 4;
    private static final int STACK_FRAMES = 64;
    private static final String CALLED_FROM = " <- ";
    /** What a stack frame gives as the line of a native method. */
    private static final int NATIVE = -2;

    private static final Map<Key, Key> BY_OBJECT = new ConcurrentHashMap<>();
    /** The object each call site recorded last: what makes a repeated call free. */
    private static final Map<String, Key> LAST_AT_SITE = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();
    private static final InternalField TIMER_THREAD = JdkInternals.field("java.util.Timer", "thread");
    private static final StackWalker STACK = StackWalker.getInstance();
    private static final Set<String> RECORDERS = Set.of(CreationSites.class.getName(), Key.class.getName(),
            Calls.class.getName());
    private static final AtomicBoolean REPORTED_FULL = new AtomicBoolean();
    private static volatile boolean fullStacks;

    private CreationSites() {
    }

    /**
     * Whether each new record keeps the whole stack of its call, callers after the site, instead of the site alone:
     * for a debugging session, since a stack walk costs microseconds where a site costs nothing.
     */
    public static void recordFullStacks(boolean on) {
        fullStacks = on;
    }

    /** Called by instrumented code: {@code site} is a constant such as {@code com.acme.Jobs.init(Jobs.java:42)}. */
    public static void record(Object created, String site) {
        Key last = LAST_AT_SITE.get(site);
        if (last != null && last.refersTo(created)) {
            return;
        }
        recordNew(created, site);
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

    /**
     * Called by instrumented code for {@code ThreadLocal.set(value)}: the ThreadLocal is recorded, never the value. A
     * value is usually new on every request, so recording it would cost an entry per request; and the entry that
     * leaks is found through its ThreadLocal, whose sites say where it was set.
     */
    public static void record(Object threadLocal, Object value, String site) {
        record(threadLocal, site);
    }

    /** Where {@code created} was made, or last recorded, or null when no instrumented call site reported it. */
    public static String of(Object created) {
        List<String> sites = all(created);
        return sites.isEmpty() ? null : sites.get(0);
    }

    /** Every site that recorded {@code created}, up to a few, the latest first. */
    public static List<String> all(Object created) {
        Key key = created == null ? null : BY_OBJECT.get(new Key(created, null));
        if (key == null) {
            return List.of();
        }
        String[] sites = key.sites;
        String[] latestFirst = new String[sites.length];
        for (int i = 0; i < sites.length; i++) {
            latestFirst[i] = sites[sites.length - 1 - i];
        }
        return List.of(latestFirst);
    }

    /** A call's place in the form of a stack trace element: {@code com.acme.Jobs.init(Jobs.java:42)}. */
    static String site(String className, String method, String file, int line) {
        // Built by hand: the patcher makes one per call site while the JIT has not compiled it yet, and a string
        // concatenation then runs its method handles interpreted too, at many times the cost.
        StringBuilder site = new StringBuilder(className.length() + method.length() + 40).append(className)
                .append('.').append(method).append('(');
        if (line == NATIVE) {
            site.append("Native Method");
        } else if (file == null) {
            site.append("Unknown Source");
        } else {
            site.append(file);
            if (line > 0) {
                site.append(':').append(line);
            }
        }
        return site.append(')').toString();
    }

    /** The class a site is in: {@code com.acme.Jobs} for {@code com.acme.Jobs.init(Jobs.java:42) <- ...}. */
    public static String className(String site) {
        return site.substring(0, site.lastIndexOf('.', site.indexOf('(')));
    }

    private static void recordNew(Object created, String site) {
        expungeCollected();
        if (created == null) {
            return;
        }
        Key key = BY_OBJECT.get(new Key(created, null));
        if (key == null) {
            if (BY_OBJECT.size() >= CAPACITY) {
                if (REPORTED_FULL.compareAndSet(false, true)) {
                    LoggerFactory.getLogger("io.leakguard").info("leakguard: {} creation sites are held, the most "
                            + "there is room for; objects made from now on get one only as older ones are collected, "
                            + "so some warnings may not say where a leak was created", CAPACITY);
                }
                return;
            }
            Key fresh = new Key(created, COLLECTED);
            key = BY_OBJECT.putIfAbsent(fresh, fresh);
            key = key == null ? fresh : key;
        }
        key.add(site);
        LAST_AT_SITE.put(constant(site), key);
    }

    private static void expungeCollected() {
        for (Object collected = COLLECTED.poll(); collected != null; collected = COLLECTED.poll()) {
            Key key = (Key) collected;
            BY_OBJECT.remove(key);
            for (String site : key.sites) {
                LAST_AT_SITE.remove(constant(site), key);
            }
        }
    }

    /** The site itself, without the callers a full stack adds after it. */
    private static String constant(String recorded) {
        int callers = recorded.indexOf(CALLED_FROM);
        return callers < 0 ? recorded : recorded.substring(0, callers);
    }

    /** The site, then its callers, as far as {@link #STACK_FRAMES}; the recorder's and stubs' frames are left out. */
    private static String withCallers(String site) {
        return STACK.walk(frames -> frames.dropWhile(frame -> RECORDERS.contains(frame.getClassName())
                        || frame.getMethodName().startsWith(SiteStubs.PREFIX))
                .skip(1).limit(STACK_FRAMES)
                .map(frame -> site(frame.getClassName(), frame.getMethodName(), frame.getFileName(),
                        frame.getLineNumber()))
                .collect(Collectors.joining(CALLED_FROM, site + CALLED_FROM, "")));
    }

    /** Equal to another key while both refer to the same live object, or when it is the very same key. */
    private static final class Key extends WeakReference<Object> {

        private final int hash;
        /** Oldest first; replaced whole, so a reader never sees a half-made array. */
        private volatile String[] sites = new String[0];

        Key(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            hash = System.identityHashCode(referent);
        }

        /** Keeps the site unless it has it already; only a new object or a new site for it gets here. */
        synchronized void add(String site) {
            for (String known : sites) {
                if (known.startsWith(site) && (known.length() == site.length() || known.startsWith(CALLED_FROM,
                        site.length()))) {
                    return;
                }
            }
            // A site handed on from another record (a pool's to the executor wrapping it) has its callers already.
            String recorded = fullStacks && !site.contains(CALLED_FROM) ? withCallers(site) : site;
            String[] kept = sites.length < SITES_PER_OBJECT ? sites : Arrays.copyOfRange(sites, 1, sites.length);
            String[] added = Arrays.copyOf(kept, kept.length + 1);
            added[kept.length] = recorded;
            sites = added;
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
            return referent != null && key.refersTo(referent);
        }
    }
}

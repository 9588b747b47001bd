package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.Internal;
import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import io.leakguard.sites.CreationSites;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ThreadLocal entries, in every live thread and every shutdown hook the JVM keeps unstarted, whose key or value reaches
 * the dying web application, directly or through collections, maps, arrays, references, optionals, atomics and fields
 * (Tomcat only looks inside collections). An entry that leads there through another application's ThreadLocal, value
 * or object is that application's, which may still need it: it is only reported.
 *
 * <p>The fix works on any thread, even one running: it clears the entry's weak key, exactly as the garbage collector
 * does when a ThreadLocal dies, then drops the value. From then on the owning thread sees a stale entry, which
 * ThreadLocalMap is built to tolerate and expunge, and no code path of it writes to a stale entry's value, so the race
 * with its owner is the same one it already has with the collector. Losing the value is what thread renewal would do
 * to every entry of the thread; here only entries that reach the dying web application are dropped.
 *
 * <p>A new thread copies the inheritable ThreadLocal values of the thread that creates it. A shutdown hook made on a
 * request thread where another application left such a value holds that application until the JVM exits, and no
 * list of live threads shows it; Tomcat never looks there either.
 */
final class ThreadLocalEntries implements LeakCheck {

    private static final InternalField THREAD_LOCALS = JdkInternals.field("java.lang.Thread", "threadLocals");
    private static final InternalField INHERITABLE = JdkInternals.field("java.lang.Thread", "inheritableThreadLocals");
    private static final InternalField TABLE = JdkInternals.field("java.lang.ThreadLocal$ThreadLocalMap", "table");
    private static final InternalField VALUE =
            JdkInternals.field("java.lang.ThreadLocal$ThreadLocalMap$Entry", "value");

    /**
     * Entries of one ThreadLocal (or of collected ones with the same value type) are one leak, however many threads.
     */
    private record Group(String what, List<String> chain, String site, boolean anotherApplications,
            List<String> threads, List<Slot> slots) {
    }

    private record Slot(Thread thread, Reference<?> entry) {
    }

    /**
     * What entries are grouped by: their ThreadLocal, compared by identity, since no check may run an application's
     * equals or hashCode; and whether they are another application's, since one library ThreadLocal holds each
     * application's values on the threads they met.
     */
    private record GroupKey(Object identity, boolean anotherApplications) {

        @Override
        public boolean equals(Object other) {
            return other instanceof GroupKey key && key.identity == identity
                    && key.anotherApplications == anotherApplications;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(identity) + Boolean.hashCode(anotherApplications);
        }
    }

    @Override
    public String id() {
        return "threadLocals";
    }

    @Override
    public String kind() {
        return "ThreadLocal";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Internal> needs() {
        return List.of(THREAD_LOCALS, INHERITABLE, TABLE, VALUE);
    }

    @Override
    public void run(Scan scan) throws ClassNotFoundException {
        Map<GroupKey, Group> groups = new LinkedHashMap<>();
        Entries entries = new Entries(scan.ownership(), scan.reach(), new Sites(scan.loader()), groups);
        for (Map.Entry<Thread, String> holder : holders(scan.ownership()).entrySet()) {
            entries.collect(holder.getKey(), holder.getValue(), THREAD_LOCALS);
            entries.collect(holder.getKey(), holder.getValue(), INHERITABLE);
            if (scan.expired()) {
                scan.leak("ThreadLocal entries of threads after [" + holder.getValue() + "] were not inspected")
                        .skipped("the check used its " + scan.policy().checkBudget().toMillis() + " ms budget");
                break;
            }
        }
        for (Group group : groups.values()) {
            Scan.Leak leak = scan.leak(group.what()).via(group.chain()).onThreads(group.threads())
                    .createdAt(group.site());
            if (group.anotherApplications()) {
                leak.warned("another application's entry leads to this application, and removing it could break that"
                        + " application; left in place");
                continue;
            }
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
                continue;
            }
            group.slots().forEach(ThreadLocalEntries::remove);
            leak.fixed("entry removed");
        }
    }

    /**
     * The threads to look into, each with its name for the message: the live ones, then the registered shutdown hooks
     * that are not the dying application's own. Its own hooks are the shutdown hook check's: they hold it whatever
     * their maps hold, and one may yet run and need what it inherited. Hooks are read with the same
     * {@code --add-opens} as the maps, so only a JDK that changed their internals leaves live threads alone in view.
     */
    private static Map<Thread, String> holders(Ownership ownership) throws ClassNotFoundException {
        Map<Thread, String> holders = new LinkedHashMap<>();
        for (Thread thread : LiveThreads.all()) {
            holders.put(thread, thread.getName());
        }
        if (RegisteredHooks.available()) {
            for (Thread hook : RegisteredHooks.all()) {
                if (RegisteredHooks.linkToWebapp(hook, ownership).isEmpty()) {
                    holders.putIfAbsent(hook, hook.getName() + " (unstarted shutdown hook)");
                }
            }
        }
        return holders;
    }

    /** The entries of one pass that reach the dying application, grouped by ThreadLocal. */
    private record Entries(Ownership ownership, Reach reach, Sites sites, Map<GroupKey, Group> groups) {

        void collect(Thread thread, String name, InternalField mapField) {
            Object map = mapField.get(thread);
            if (map == null) {
                return;
            }
            for (Object slot : (Object[]) TABLE.get(map)) {
                if (slot == null) {
                    continue;
                }
                Reference<?> entry = (Reference<?>) slot;
                Object key = entry.get();
                Object value = VALUE.get(entry);
                Optional<Reach.Chain> viaKey = reach.chain(key);
                Optional<Reach.Chain> found = viaKey.or(() -> reach.chain(value));
                if (found.isEmpty()) {
                    continue;
                }
                Reach.Chain chain = found.get();
                List<String> links = prefixed(viaKey.isPresent() ? "key " + Describe.object(key)
                        : "value " + Describe.object(value), chain.links());
                String field = mapField == INHERITABLE ? "inheritableThreadLocals" : "threadLocals";
                // A collected key cannot be named; entries that lost theirs are told apart by their value's type.
                GroupKey groupKey = new GroupKey(key != null ? key : value.getClass(),
                        anotherApplications(key, value, chain));
                Group group = groups.computeIfAbsent(groupKey, k -> new Group(describe(key, value),
                        prefixed("Thread." + field, links), sites.of(key), k.anotherApplications(),
                        new ArrayList<>(), new ArrayList<>()));
                group.threads().add(name);
                group.slots().add(new Slot(thread, entry));
            }
        }

        /**
         * The dying application's own ThreadLocal is its own to clear, whatever it holds; another entry that leads to
         * it through another application's ThreadLocal, value or object is that application's.
         */
        private boolean anotherApplications(Object key, Object value, Reach.Chain chain) {
            return !ownership.ownsObject(key)
                    && (ownership.isAnotherApplications(key, chain) || ownership.isAnotherApplications(value, chain));
        }
    }

    private static String describe(Object key, Object value) {
        String keyText = key == null
                ? "a ThreadLocal that was already collected (stale entry)"
                : "ThreadLocal " + Describe.object(key);
        return keyText + " holding " + Describe.object(value);
    }

    /**
     * Where an entry's ThreadLocal was last set, or made when it never was ({@code withInitial}). Values are not
     * recorded, as they are new on every request; a ThreadLocal of the server's, set by several web applications,
     * keeps a site in each, so the one in a class of the dying application is picked. Its classes are listed once per
     * pass, and only for such a ThreadLocal.
     */
    private static final class Sites {

        private final ClassLoader loader;
        private Set<String> ownClasses;

        Sites(ClassLoader loader) {
            this.loader = loader;
        }

        String of(Object key) {
            List<String> sites = CreationSites.all(key);
            if (sites.size() < 2 || !LoadedClasses.CLASSES.available()) {
                return sites.isEmpty() ? null : sites.get(0);
            }
            if (ownClasses == null) {
                ownClasses = LoadedClasses.of(loader).stream().map(Class::getName).collect(Collectors.toSet());
            }
            return sites.stream().filter(site -> ownClasses.contains(CreationSites.className(site))).findFirst()
                    .orElse(sites.get(0));
        }
    }

    private static List<String> prefixed(String first, List<String> rest) {
        List<String> links = new ArrayList<>(rest.size() + 1);
        links.add(first);
        links.addAll(rest);
        return links;
    }

    private static void remove(Slot slot) {
        // On its own thread a ThreadLocal can go the ordinary way, which also expunges the slot at once.
        if (slot.thread() == Thread.currentThread() && slot.entry().get() instanceof ThreadLocal<?> key) {
            key.remove();
            return;
        }
        // An unstarted hook's maps are even safer to change than a running thread's: nothing runs on it yet, and
        // should the JVM start it meanwhile, it meets the stale entry any thread may meet.
        slot.entry().clear();
        VALUE.set(slot.entry(), null);
    }
}

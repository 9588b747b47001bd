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
 * ThreadLocal entries, in every live thread, whose key or value reaches the dying web application, directly or
 * through collections, maps, arrays, references, optionals, atomics and fields (Tomcat only looks inside collections).
 *
 * <p>The fix works on any thread, even one running: it clears the entry's weak key, exactly as the garbage collector
 * does when a ThreadLocal dies, then drops the value. From then on the owning thread sees a stale entry, which
 * ThreadLocalMap is built to tolerate and expunge, and no code path of it writes to a stale entry's value, so the race
 * with its owner is the same one it already has with the collector. Losing the value is what thread renewal would do
 * to every entry of the thread; here only entries that reach the dying web application are dropped.
 */
final class ThreadLocalEntries implements LeakCheck {

    private static final InternalField THREAD_LOCALS = JdkInternals.field("java.lang.Thread", "threadLocals");
    private static final InternalField INHERITABLE = JdkInternals.field("java.lang.Thread", "inheritableThreadLocals");
    private static final InternalField TABLE = JdkInternals.field("java.lang.ThreadLocal$ThreadLocalMap", "table");
    private static final InternalField VALUE = JdkInternals.field("java.lang.ThreadLocal$ThreadLocalMap$Entry", "value");

    /** Entries of one ThreadLocal (or of collected ones with the same value type) are one leak, however many threads. */
    private record Group(String what, List<String> chain, String site, List<String> threads, List<Slot> slots) {
    }

    private record Slot(Thread thread, Reference<?> entry) {
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
    public void run(Scan scan) {
        Map<Object, Group> groups = new LinkedHashMap<>();
        Reach reach = scan.reach();
        Sites sites = new Sites(scan.loader());
        for (Thread thread : LiveThreads.all()) {
            collect(thread, THREAD_LOCALS, reach, sites, groups);
            collect(thread, INHERITABLE, reach, sites, groups);
            if (scan.expired()) {
                scan.leak("ThreadLocal entries of threads after [" + thread.getName() + "] were not inspected")
                        .skipped("the check used its " + scan.policy().checkBudget().toMillis() + " ms budget");
                break;
            }
        }
        for (Group group : groups.values()) {
            Scan.Leak leak = scan.leak(group.what()).via(group.chain()).onThreads(group.threads())
                    .createdAt(group.site());
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
                continue;
            }
            group.slots().forEach(ThreadLocalEntries::remove);
            leak.fixed("entry removed");
        }
    }

    private static void collect(Thread thread, InternalField mapField, Reach reach, Sites sites,
            Map<Object, Group> groups) {
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
            String field = mapField == INHERITABLE ? "inheritableThreadLocals" : "threadLocals";
            Optional<List<String>> path = reach.from(key).map(p -> prefixed("key " + Describe.object(key), p))
                    .or(() -> reach.from(value).map(p -> prefixed("value " + Describe.object(value), p)));
            if (path.isEmpty()) {
                continue;
            }
            // A collected key cannot be named; entries that lost theirs are told apart by their value's type.
            Object identity = key != null ? key : value.getClass();
            Group group = groups.computeIfAbsent(identity, k -> new Group(describe(key, value),
                    prefixed("Thread." + field, path.get()), sites.of(key), new ArrayList<>(), new ArrayList<>()));
            group.threads().add(thread.getName());
            group.slots().add(new Slot(thread, entry));
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
        slot.entry().clear();
        VALUE.set(slot.entry(), null);
    }
}

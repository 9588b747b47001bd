package io.leakguard.findleaks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Explains a leaked class loader from a live heap dump of this JVM, analysed in process: the shortest chain of strong
 * references from a GC root to the loader, to a class it defined or to an instance of such a class. The instances
 * count because an object pins its class and a class its loader; a chain that ends at the application's first object
 * shows the reference from outside it, which is the one to cut.
 */
final class HeapExplainer implements LeakDetector.Explainer {

    private static final String TRACKER = TrackedLoader.class.getName();

    static HeapExplainer standard() {
        return new HeapExplainer();
    }

    @Override
    public Map<Long, Optional<LeakPath>> explain(List<TrackedLoader> loaders) {
        return HeapDumps.analyse(dump -> {
            try (HprofFile file = new HprofFile(dump)) {
                HeapIndex heap = HeapIndex.read(file);
                Map<Long, Optional<LeakPath>> paths = new HashMap<>();
                for (TrackedLoader loader : loaders) {
                    paths.put(loader.serial, explain(heap, loader.serial, loader.webapp));
                }
                return paths;
            }
        });
    }

    /** The chain that holds the loader of the detector's reference with that serial; also what the benchmark times. */
    static Optional<LeakPath> explain(HeapIndex heap, long serial, String webapp) {
        HprofFile file = heap.file;
        References references = new References(heap);
        long loader = loaderOf(heap, references, serial);
        if (loader == 0) {
            return Optional.empty();
        }
        LongMap<ClassRecord> classes = new LongMap<>();
        heap.classes.values().stream().filter(c -> c.loaderId() == loader).forEach(c -> classes.put(c.id(), c));
        ShortestPath.Found found = ShortestPath.find(heap, references, object -> {
            long id = heap.ids[object];
            long position = heap.positions[object];
            return id == loader || classes.containsKey(id)
                    || file.u1(position) == HeapIndex.INSTANCE && classes.containsKey(heap.classOfInstance(position));
        });
        return Optional.ofNullable(found).map(f -> new Chains(heap, references, loader,
                CreationSiteRecords.of(heap, references, f.objects())).path(webapp, f));
    }

    /** The loader the detector's phantom reference with that serial still refers to; 0 when it was cleared. */
    private static long loaderOf(HeapIndex heap, References references, long serial) {
        long trackerClass = references.classId(TRACKER);
        for (int i = 0; i < heap.objects; i++) {
            long position = heap.positions[i];
            if (heap.file.u1(position) == HeapIndex.INSTANCE && heap.classOfInstance(position) == trackerClass
                    && references.field(position, TRACKER, "serial") == serial) {
                return references.field(position, "java.lang.ref.Reference", "referent");
            }
        }
        return 0;
    }

    /** Turns object indexes into labelled links; {@code sites} says where objects of the chain were created. */
    private record Chains(HeapIndex heap, References references, long loader, Map<Integer, String> sites) {

        LeakPath path(String webapp, ShortestPath.Found found) {
            List<LeakPath.Link> links = new ArrayList<>();
            List<String> keys = new ArrayList<>(List.of(rootKey(found.root())));
            int[] objects = found.objects();
            for (int i = 1; i < objects.length; i++) {
                long child = heap.ids[objects[i]];
                String[] label = new String[2];
                references.forEach(objects[i - 1], (to, kind, owner, name) -> {
                    if (to == child && label[0] == null) {
                        label[0] = via(kind, owner, name);
                        label[1] = key(kind, owner, name);
                    }
                });
                links.add(new LeakPath.Link(label[0], describe(objects[i]) + site(i)));
                keys.add(label[1]);
            }
            String root = root(found.root()) + " " + describe(objects[0]) + site(0);
            return new LeakPath(webapp, root, links, KnownLeaks.kindOf(keys), links.size() - 1);
        }

        private String site(int chainPosition) {
            String site = sites.get(chainPosition);
            return site == null ? "" : " (" + site + ")";
        }

        private String via(References.Kind kind, long owner, long name) {
            return switch (kind) {
                case FIELD -> simpleName(owner) + "." + heap.strings.get(name);
                case STATIC -> "static " + simpleName(owner) + "." + heap.strings.get(name);
                case ELEMENT -> "[" + name + "]";
                case CLASS_OF -> "its class";
                case SUPERCLASS -> "superclass";
                case LOADER -> "class loader";
                case PROTECTION_DOMAIN -> "protection domain";
            };
        }

        private String key(References.Kind kind, long owner, long name) {
            return switch (kind) {
                case FIELD -> "field " + heap.className(owner) + "." + heap.strings.get(name);
                case STATIC -> "static " + heap.className(owner) + "." + heap.strings.get(name);
                default -> kind.name().toLowerCase(java.util.Locale.ROOT);
            };
        }

        private String simpleName(long classId) {
            String name = heap.className(classId);
            return name.substring(name.lastIndexOf('.') + 1);
        }

        private String describe(int object) {
            long id = heap.ids[object];
            long position = heap.positions[object];
            String hex = "@" + Long.toHexString(id);
            return switch (heap.file.u1(position)) {
                case HeapIndex.CLASS -> "class " + heap.className(id);
                case HeapIndex.OBJECT_ARRAY -> heap.className(heap.file.id(position + 1 + heap.file.idSize + 8))
                        + hex;
                default -> heap.className(heap.classOfInstance(position)) + hex
                        + (id == loader ? " (the web application's class loader)" : "");
            };
        }

        private String rootKey(int root) {
            Long thread = heap.threadsBySerial.get(heap.roots.threadSerials[root]);
            int object = thread == null ? -1 : heap.indexOf(thread);
            return object < 0 ? "root " + root(root)
                    : "root thread " + heap.className(heap.classOfInstance(heap.positions[object]));
        }

        /** {@code thread "http-nio-8080-exec-1"}: operators know threads by name. */
        private String threadName(int serial) {
            Long thread = heap.threadsBySerial.get(serial);
            int object = thread == null ? -1 : heap.indexOf(thread);
            if (object < 0) {
                return "thread #" + serial;
            }
            long position = heap.positions[object];
            String name = heap.string(references.field(position, "java.lang.Thread", "name"));
            return name == null ? "thread #" + serial : "thread \"" + name + "\"";
        }

        private String root(int root) {
            HeapIndex.Roots roots = heap.roots;
            String thread = threadName(roots.threadSerials[root]);
            return switch (roots.kinds[root]) {
                case 0x01 -> "JNI global reference to";
                case 0x02 -> "JNI local reference in " + thread + " to";
                case 0x03 -> "local variable in " + thread + " holding";
                case 0x04 -> "native stack of " + thread + " holding";
                case 0x05 -> "system class";
                case 0x06 -> "thread block of " + thread + " holding";
                case 0x07 -> "monitor held on";
                case HeapIndex.ROOT_THREAD_OBJECT -> "live " + thread;
                case HeapIndex.ROOT_CLASS_VALUES -> "ClassValue values of a class (which one, the dump does not say)";
                default -> "unknown root";
            };
        }
    }
}

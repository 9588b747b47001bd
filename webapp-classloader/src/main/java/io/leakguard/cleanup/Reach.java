package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.ConcurrentModificationException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerDelegate;
import javax.management.NotificationBroadcasterSupport;

/**
 * Follows references from one object to find whether it reaches the dying web application, and by which links; or,
 * for a check that must not undo another application's setting, whether it reaches another application.
 * Looks through arrays, references that are not weak, optionals, atomics, collections and maps of the JDK (through
 * their public API where it only reads their own storage, the linked blocking queues through their nodes) and the
 * fields of every other object it may read, within a depth and node budget; never into the container's server-wide
 * objects ({@link Ownership#isServerWide}). No web application method runs and no monitor or lock is awaited, so it
 * is safe on objects other threads are using. It changes nothing but what the JDK tidies up on any iteration: a
 * lock-free queue's iterator unlinks the nodes other threads already took off it.
 */
public final class Reach {

    enum Kind { LEAF, ARRAY, REFERENCE, OPTIONAL, ATOMIC, ATOMIC_ARRAY, ITERABLE, NODES, MAP, FIELDS }

    /** How walks look into a type: {@code fields} for FIELDS and REFERENCE, {@code nodes} for NODES. */
    record Shape(Kind kind, Field[] fields, Nodes nodes) {
        static final Shape LEAF = new Shape(Kind.LEAF, new Field[0]);

        Shape(Kind kind, Field[] fields) {
            this(kind, fields, null);
        }
    }

    /**
     * The chain of nodes a linked blocking queue or deque keeps its elements in, read without its lock: where it
     * starts, and each node's element and successor. The element of a node taken off the queue is null. A node only
     * ever links to one further along the queue, or to itself, so following the chain always ends.
     */
    static final class Nodes {

        private final InternalField start;
        private final InternalField item;
        private final InternalField next;

        private Nodes(String queue, String start) {
            this.start = JdkInternals.field(queue, start);
            this.item = JdkInternals.field(queue + "$Node", "item");
            this.next = JdkInternals.field(queue + "$Node", "next");
        }

        Object first(Object queue) {
            return start.get(queue);
        }

        Object element(Object node) {
            return item.get(node);
        }

        /**
         * The node after {@code node}, null after the last. Taking a node off the head links it to itself (to help
         * the collector); the nodes after it are then no longer found from it, and this throws, as an iterator that
         * sees its collection change does.
         */
        Object after(Object node) {
            Object after = next.get(node);
            if (after == node) {
                throw new ConcurrentModificationException("a node was taken off the queue while it was read");
            }
            return after;
        }

        private boolean available() {
            return start.available() && item.available() && next.available();
        }
    }

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return shapeOf(type);
        }
    };

    private final Ownership ownership;
    private final Predicate<Object> target;
    private final int maxDepth;
    private final int maxNodes;
    private final Scan scan;
    /**
     * The objects roots referred to directly that were found, across the walks of this Reach, to reach nothing of the
     * application. The tasks of a thousand threads, or their ThreadLocal values, often share what they refer to, and a
     * list of a thousand elements they share would otherwise be read once per root. Such a walk is kept only when it
     * was complete: not cut short by the node or time budget, and never stopped at an object an earlier part of the
     * same walk had visited (and may have left at a greater depth). The depth limit does not count: an object a root
     * refers to directly always starts one link down.
     */
    private final Set<Object> reachesNothing = Collections.newSetFromMap(new IdentityHashMap<>());
    private Object root;
    /** The objects this walk has visited, each with the order of its first visit. */
    private Map<Object, Integer> visited;
    private int visits;
    /** Where in the visiting order the walk from the current object the root refers to began. */
    private int childStart;
    /** Whether the walk from the current object the root refers to was incomplete. */
    private boolean cut;
    private int nodes;

    /** How walks look into objects of {@code type}: which kind of container it is, or which fields to follow. */
    static Shape shape(Class<?> type) {
        return SHAPES.get(type);
    }

    /** A walk to {@code target}'s objects: the dying application's, or another application's. */
    Reach(Ownership ownership, Predicate<Object> target, int maxDepth, int maxNodes, Scan scan) {
        this.ownership = ownership;
        this.target = target;
        this.maxDepth = maxDepth;
        this.maxNodes = maxNodes;
        this.scan = scan;
    }

    /**
     * The links from {@code root} to the first object of the dying web application it reaches, each described, with
     * the objects they lead to, the application's last.
     */
    public record Chain(List<String> links, List<Object> objects) {
    }

    /**
     * The links from {@code root} to the first object of the dying web application it reaches: present and empty when
     * {@code root} itself belongs to it, empty when nothing was found within the limits.
     */
    public Optional<List<String>> from(Object root) {
        return chain(root).map(Chain::links);
    }

    /** Like {@link #from}, with the objects the links lead to, for a check that must know whose they are. */
    public Optional<Chain> chain(Object root) {
        if (root == null) {
            return Optional.empty();
        }
        if (target.test(root)) {
            return Optional.of(new Chain(List.of(), List.of()));
        }
        if (SHAPES.get(root.getClass()).kind() == Kind.LEAF || ownership.isServerWide(root)) {
            return Optional.empty();
        }
        this.root = root;
        nodes = 0;
        visits = 0;
        List<Link> reversed = walk(root, 0);
        this.root = null;
        visited = null;
        if (reversed == null) {
            return Optional.empty();
        }
        Collections.reverse(reversed);
        List<String> links = new ArrayList<>(reversed.size());
        List<Object> objects = new ArrayList<>(reversed.size());
        for (Link link : reversed) {
            links.add(link.text());
            objects.add(link.to());
        }
        return Optional.of(new Chain(links, objects));
    }

    private record Link(String text, Object to) {
    }

    /** Returns the path from {@code object} (exclusive) to an owned object, last link first, or null. */
    private List<Link> walk(Object object, int depth) {
        if (depth >= maxDepth || spent()) {
            return null;
        }
        if (seen(object, depth)) {
            return null;
        }
        Shape shape = SHAPES.get(object.getClass());
        try {
            switch (shape.kind()) {
                case ARRAY -> {
                    Object[] array = (Object[]) object;
                    for (int i = 0; i < array.length; i++) {
                        Object element = array[i];
                        List<Link> path = child(element, depth);
                        if (path != null) {
                            return linked(path, "[" + i + "]", element);
                        }
                    }
                }
                case REFERENCE -> {
                    Object referent = ((Reference<?>) object).get();
                    List<Link> path = linked(child(referent, depth), "referent", referent);
                    return path != null ? path : fields(object, shape, depth);
                }
                case OPTIONAL -> {
                    Object value = ((Optional<?>) object).orElse(null);
                    return linked(child(value, depth), "value", value);
                }
                case ATOMIC -> {
                    Object value = ((AtomicReference<?>) object).get();
                    return linked(child(value, depth), "value", value);
                }
                case ATOMIC_ARRAY -> {
                    AtomicReferenceArray<?> array = (AtomicReferenceArray<?>) object;
                    for (int i = 0; i < array.length(); i++) {
                        Object element = array.get(i);
                        List<Link> path = child(element, depth);
                        if (path != null) {
                            return linked(path, "[" + i + "]", element);
                        }
                    }
                }
                case ITERABLE -> {
                    int i = 0;
                    for (Object element : (Collection<?>) object) {
                        List<Link> path = child(element, depth);
                        if (path != null) {
                            return linked(path, "element " + i, element);
                        }
                        i++;
                    }
                }
                case NODES -> {
                    Nodes chain = shape.nodes();
                    int i = 0;
                    for (Object node = chain.first(object); node != null; node = chain.after(node)) {
                        if (spent()) {
                            return null;
                        }
                        Object element = chain.element(node);
                        if (element != null) {
                            List<Link> path = child(element, depth);
                            if (path != null) {
                                return linked(path, "element " + i, element);
                            }
                            i++;
                        }
                    }
                }
                case MAP -> {
                    for (Map.Entry<?, ?> entry : ((Map<?, ?>) object).entrySet()) {
                        Object key = entry.getKey();
                        List<Link> path = child(key, depth);
                        if (path != null) {
                            return linked(path, "key", key);
                        }
                        Object value = entry.getValue();
                        path = child(value, depth);
                        if (path != null) {
                            return linked(path, "value for key " + Describe.object(key), value);
                        }
                    }
                }
                case FIELDS -> {
                    return fields(object, shape, depth);
                }
                case LEAF -> {
                    return null;
                }
            }
        } catch (RuntimeException | IllegalAccessException e) {
            // Another thread changed the structure under us: what was not read is simply not reported.
            cut = true;
        }
        return null;
    }

    /** Counts one more object read; true, and the walk cut short, once the node or time budget is used up. */
    private boolean spent() {
        if (++nodes > maxNodes || nodes % 256 == 0 && scan.expired()) {
            cut = true;
            return true;
        }
        return false;
    }

    private List<Link> fields(Object object, Shape shape, int depth) throws IllegalAccessException {
        for (Field field : shape.fields()) {
            Object value = field.get(object);
            List<Link> path = child(value, depth);
            if (path != null) {
                return linked(path, field.getDeclaringClass().getSimpleName() + "." + field.getName(), value);
            }
        }
        return null;
    }

    /**
     * True when the walk has been at {@code object} before. Most roots are a small collection of leaves, so the set of
     * visited objects is only made once the walk goes past the root: a pass inspects tens of thousands of roots.
     */
    private boolean seen(Object object, int depth) {
        if (object == root) {
            cut |= depth > 0;
            return depth > 0;
        }
        if (visited == null) {
            visited = new IdentityHashMap<>();
        }
        Integer first = visited.putIfAbsent(object, visits++);
        cut |= first != null && first < childStart;
        return first != null;
    }

    /** The path from {@code child} (inclusive) to an owned object, last link first, or null. */
    private List<Link> child(Object child, int depth) {
        if (child == null) {
            return null;
        }
        if (target.test(child)) {
            return new ArrayList<>();
        }
        if (SHAPES.get(child.getClass()).kind() == Kind.LEAF || ownership.isServerWide(child)) {
            return null;
        }
        if (depth > 0) {
            return walk(child, depth + 1);
        }
        if (reachesNothing.contains(child)) {
            return null;
        }
        cut = false;
        childStart = visits;
        List<Link> path = walk(child, 1);
        if (path == null && !cut) {
            reachesNothing.add(child);
        }
        return path;
    }

    /** Labels are built only for the path that is reported, never for the many links that lead nowhere. */
    private static List<Link> linked(List<Link> path, String label, Object child) {
        if (path != null) {
            path.add(new Link(label + " " + Describe.object(child), child));
        }
        return path;
    }

    private static Shape shapeOf(Class<?> type) {
        if (type.isArray()) {
            return type.getComponentType().isPrimitive() ? Shape.LEAF : new Shape(Kind.ARRAY, null);
        }
        if (type == String.class || type == Class.class || Number.class.isAssignableFrom(type) && isJdk(type)
                || type == Boolean.class || type == Character.class || Thread.class.isAssignableFrom(type)
                || ClassLoader.class.isAssignableFrom(type) || type == Module.class) {
            // Threads and loaders are leak holders in their own right: their own checks look at them.
            return Shape.LEAF;
        }
        if (MBeanServerConnection.class.isAssignableFrom(type) || isBroadcaster(type)) {
            // An MBean server reaches every registered MBean, the dying application's loader among them while Tomcat
            // still has it registered, and a broadcaster every party's listeners: a path through either says nothing
            // about what holds the application. notificationListeners reads the broadcasters' lists itself.
            return Shape.LEAF;
        }
        if (Reference.class.isAssignableFrom(type)) {
            // Entries of WeakHashMap and ThreadLocalMap keep their value in a field of a Reference subclass. A weak
            // referent holds nothing: the server's weak maps of every application's loader would lead anywhere.
            Field[] fields = readableFields(type, Reference.class);
            if (WeakReference.class.isAssignableFrom(type)) {
                return fields.length == 0 ? Shape.LEAF : new Shape(Kind.FIELDS, fields);
            }
            return new Shape(Kind.REFERENCE, fields);
        }
        if (type == Optional.class) {
            return new Shape(Kind.OPTIONAL, null);
        }
        if (type == AtomicReference.class) {
            return new Shape(Kind.ATOMIC, null);
        }
        if (type == AtomicReferenceArray.class) {
            return new Shape(Kind.ATOMIC_ARRAY, null);
        }
        String linked = isJdk(type) ? LINKED_BLOCKING.get(type.getName()) : null;
        if (linked != null) {
            Nodes nodes = new Nodes(type.getName(), linked);
            // Without java.util.concurrent opened the queue is not read at all, as an ArrayBlockingQueue is not:
            // iterating it would wait for the lock its own methods may hold for good.
            return nodes.available() ? new Shape(Kind.NODES, null, nodes) : Shape.LEAF;
        }
        if (isIterableJdkContainer(type)) {
            return new Shape(Map.class.isAssignableFrom(type) ? Kind.MAP : Kind.ITERABLE, null);
        }
        Field[] fields = readableFields(type, Object.class);
        return fields.length == 0 ? Shape.LEAF : new Shape(Kind.FIELDS, fields);
    }

    /**
     * JDK collections and maps that keep their elements themselves, so that iterating one reads only that storage.
     * Any other is left to its fields: a wrapper or a view (of {@link Collections}, a sub-list, a map's key set)
     * iterates what it wraps, maybe an application's subclass whose code must not run here; a synchronized one, as a
     * Vector, iterates under a monitor that any thread may hold for good; iterating a WeakHashMap expunges stale
     * entries, which would modify another thread's unsynchronised map. The array-backed blocking queues iterate under
     * their lock, which their own methods hold while they run the application's code (an action given to forEach, an
     * element's compareTo or equals); their fields hold their elements in an array, or a PriorityQueue, all the same.
     * The linked ones ({@link #LINKED_BLOCKING}) have the same lock, and are read by their nodes. LinkedTransferQueue
     * is lock-free: its iterator takes no lock and runs no code of its elements.
     */
    private static final Set<String> SELF_STORED = Set.of(
            "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.PriorityQueue",
            "java.util.Arrays$ArrayList", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap",
            "java.util.IdentityHashMap", "java.util.EnumMap", "java.util.Hashtable", "java.util.Properties",
            "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
            "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentHashMap$KeySetView",
            "java.util.concurrent.ConcurrentSkipListMap", "java.util.concurrent.ConcurrentSkipListSet",
            "java.util.concurrent.CopyOnWriteArrayList", "java.util.concurrent.CopyOnWriteArraySet",
            "java.util.concurrent.ConcurrentLinkedQueue", "java.util.concurrent.ConcurrentLinkedDeque",
            "java.util.concurrent.LinkedTransferQueue");

    /**
     * The JDK's linked blocking queues, each with the field of its first node. They iterate under a lock their own
     * methods hold while they run the application's code: {@code remove(Object)} and {@code contains} call equals, as
     * ThreadPoolExecutor.remove(task) does on its work queue. Read by their fields instead, each element would lie one
     * link deeper than the one before it, all but the first few past the depth limit; read node by node, every element
     * is one link from its queue, as an ArrayList's is.
     */
    private static final Map<String, String> LINKED_BLOCKING = Map.of(
            "java.util.concurrent.LinkedBlockingQueue", "head", "java.util.concurrent.LinkedBlockingDeque", "first");

    private static boolean isIterableJdkContainer(Class<?> type) {
        String name = type.getName();
        return isJdk(type) && (SELF_STORED.contains(name) || name.startsWith("java.util.ImmutableCollections$"));
    }

    /** The JDK's notification broadcasters: its MXBeans', the MBean server delegate's, and the public base class. */
    private static boolean isBroadcaster(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c == NotificationBroadcasterSupport.class || c == MBeanServerDelegate.class
                    || c.getName().equals(NotificationListeners.MXBEAN_SUPPORT)) {
                return true;
            }
        }
        return false;
    }

    static boolean isJdk(Class<?> type) {
        return type.getClassLoader() == null || type.getClassLoader() == ClassLoader.getPlatformClassLoader();
    }

    /**
     * The fields {@code type} declares, none when the type of one is missing: a class of the application may have a
     * field of a library it does without, and then its fields cannot be listed, which ended the check that asked.
     */
    static Field[] declaredFields(Class<?> type) {
        try {
            return type.getDeclaredFields();
        } catch (LinkageError e) {
            return new Field[0];
        }
    }

    /**
     * Instance reference fields up the hierarchy, below {@code stopAt}, that leakguard may read: all of a library's,
     * a JDK class's only where its package is opened.
     */
    private static Field[] readableFields(Class<?> type, Class<?> stopAt) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != stopAt; c = c.getSuperclass()) {
            for (Field field : declaredFields(c)) {
                if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()
                        && JdkInternals.tryOpen(field)) {
                    fields.add(field);
                }
            }
        }
        return fields.toArray(new Field[0]);
    }
}

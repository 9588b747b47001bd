package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Follows references from one object to find whether it reaches the dying web application, and by which links.
 * Looks through arrays, references, optionals, atomics, collections and maps of the JDK (through their public API)
 * and the fields of every other object it may read, within a depth and node budget. It only reads: no web
 * application method runs and no JDK structure is modified, so it is safe on objects other threads are using.
 */
public final class Reach {

    enum Kind { LEAF, ARRAY, REFERENCE, OPTIONAL, ATOMIC, ATOMIC_ARRAY, ITERABLE, MAP, FIELDS }

    record Shape(Kind kind, Field[] fields) {
        static final Shape LEAF = new Shape(Kind.LEAF, new Field[0]);
    }

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return shapeOf(type);
        }
    };

    private final Ownership ownership;
    private final int maxDepth;
    private final int maxNodes;
    private final Scan scan;
    private Object root;
    private Map<Object, Boolean> visited;
    private int nodes;

    /** How walks look into objects of {@code type}: which kind of container it is, or which fields to follow. */
    static Shape shape(Class<?> type) {
        return SHAPES.get(type);
    }

    Reach(Ownership ownership, int maxDepth, int maxNodes, Scan scan) {
        this.ownership = ownership;
        this.maxDepth = maxDepth;
        this.maxNodes = maxNodes;
        this.scan = scan;
    }

    /**
     * The links from {@code root} to the first object of the dying web application it reaches: present and empty when
     * {@code root} itself belongs to it, empty when nothing was found within the limits.
     */
    public Optional<List<String>> from(Object root) {
        if (root == null) {
            return Optional.empty();
        }
        if (ownership.ownsObject(root)) {
            return Optional.of(List.of());
        }
        if (SHAPES.get(root.getClass()).kind() == Kind.LEAF) {
            return Optional.empty();
        }
        this.root = root;
        nodes = 0;
        List<String> reversed = walk(root, 0);
        this.root = null;
        visited = null;
        if (reversed == null) {
            return Optional.empty();
        }
        Collections.reverse(reversed);
        return Optional.of(reversed);
    }

    /** Returns the path from {@code object} (exclusive) to an owned object, last link first, or null. */
    private List<String> walk(Object object, int depth) {
        if (depth >= maxDepth || ++nodes > maxNodes || seen(object, depth)
                || (nodes % 256 == 0 && scan.expired())) {
            return null;
        }
        Shape shape = SHAPES.get(object.getClass());
        try {
            switch (shape.kind()) {
                case ARRAY -> {
                    Object[] array = (Object[]) object;
                    for (int i = 0; i < array.length; i++) {
                        Object element = array[i];
                        List<String> path = child(element, depth);
                        if (path != null) {
                            return linked(path, "[" + i + "]", element);
                        }
                    }
                }
                case REFERENCE -> {
                    Object referent = ((Reference<?>) object).get();
                    List<String> path = linked(child(referent, depth), "referent", referent);
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
                        List<String> path = child(element, depth);
                        if (path != null) {
                            return linked(path, "[" + i + "]", element);
                        }
                    }
                }
                case ITERABLE -> {
                    int i = 0;
                    for (Object element : (Collection<?>) object) {
                        List<String> path = child(element, depth);
                        if (path != null) {
                            return linked(path, "element " + i, element);
                        }
                        i++;
                    }
                }
                case MAP -> {
                    for (Map.Entry<?, ?> entry : ((Map<?, ?>) object).entrySet()) {
                        Object key = entry.getKey();
                        List<String> path = child(key, depth);
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
        }
        return null;
    }

    private List<String> fields(Object object, Shape shape, int depth) throws IllegalAccessException {
        for (Field field : shape.fields()) {
            Object value = field.get(object);
            List<String> path = child(value, depth);
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
            return depth > 0;
        }
        if (visited == null) {
            visited = new IdentityHashMap<>();
        }
        return visited.put(object, Boolean.TRUE) != null;
    }

    /** The path from {@code child} (inclusive) to an owned object, last link first, or null. */
    private List<String> child(Object child, int depth) {
        if (child == null) {
            return null;
        }
        if (ownership.ownsObject(child)) {
            return new ArrayList<>();
        }
        return SHAPES.get(child.getClass()).kind() == Kind.LEAF ? null : walk(child, depth + 1);
    }

    /** Labels are built only for the path that is reported, never for the many links that lead nowhere. */
    private static List<String> linked(List<String> path, String label, Object child) {
        if (path != null) {
            path.add(label + " " + Describe.object(child));
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
        if (Reference.class.isAssignableFrom(type)) {
            // Entries of WeakHashMap and ThreadLocalMap keep their value in a field of a Reference subclass.
            return new Shape(Kind.REFERENCE, readableFields(type, Reference.class));
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
        if (isIterableJdkContainer(type)) {
            return new Shape(Map.class.isAssignableFrom(type) ? Kind.MAP : Kind.ITERABLE, null);
        }
        Field[] fields = readableFields(type, Object.class);
        return fields.length == 0 ? Shape.LEAF : new Shape(Kind.FIELDS, fields);
    }

    /**
     * JDK collections and maps whose iteration only reads. WeakHashMap is left to its fields: even iterating it
     * expunges stale entries, which would modify another thread's unsynchronised map.
     */
    private static boolean isIterableJdkContainer(Class<?> type) {
        if (!isJdk(type) || WeakHashMap.class.isAssignableFrom(type)) {
            return false;
        }
        String pkg = type.getPackageName();
        return (pkg.equals("java.util") || pkg.equals("java.util.concurrent"))
                && (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type));
    }

    static boolean isJdk(Class<?> type) {
        return type.getClassLoader() == null || type.getClassLoader() == ClassLoader.getPlatformClassLoader();
    }

    /**
     * Instance reference fields up the hierarchy, below {@code stopAt}, that leakguard may read: all of a library's,
     * a JDK class's only where its package is opened.
     */
    private static Field[] readableFields(Class<?> type, Class<?> stopAt) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != stopAt; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()
                        && JdkInternals.tryOpen(field)) {
                    fields.add(field);
                }
            }
        }
        return fields.toArray(new Field[0]);
    }
}

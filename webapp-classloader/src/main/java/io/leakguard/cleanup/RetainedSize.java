package io.leakguard.cleanup;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Estimates how much memory an object keeps alive: itself and what it reaches through objects of the dying web
 * application and of the JDK (arrays, strings, collections). Objects of the server or of shared libraries are
 * counted but not entered, because others hold them too and they would not be freed with the application.
 * Approximate on purpose: sizes assume a 64-bit JVM with compressed references, an object reached twice is counted
 * once, referents of weak and soft references are not counted, and a walk cut short by the depth or node limit
 * returns what it saw, so it errs low. It only reads, like {@link Reach}, whose view of object shapes it shares.
 */
final class RetainedSize {

    private static final int OBJECT_HEADER = 12;
    private static final int ARRAY_HEADER = 16;
    private static final int REFERENCE = 4;
    /** What a JDK collection spends per element beyond the element itself: a HashMap node, roughly. */
    private static final int ENTRY = 32;

    private static final ClassValue<Long> INSTANCE_SIZES = new ClassValue<>() {
        @Override
        protected Long computeValue(Class<?> type) {
            long size = OBJECT_HEADER;
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Field field : Reach.declaredFields(c)) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        size += slotSize(field.getType());
                    }
                }
            }
            return aligned(size);
        }
    };

    private final Ownership ownership;
    private final int maxDepth;
    private final int maxNodes;
    private Map<Object, Boolean> visited;
    private int nodes;

    RetainedSize(Ownership ownership, int maxDepth, int maxNodes) {
        this.ownership = ownership;
        this.maxDepth = maxDepth;
        this.maxNodes = maxNodes;
    }

    /** The estimated bytes {@code root} keeps alive, 0 for null. */
    long of(Object root) {
        visited = new IdentityHashMap<>();
        nodes = 0;
        long size = size(root, 0);
        visited = null;
        return size;
    }

    private long size(Object object, int depth) {
        if (object == null || nodes >= maxNodes || visited.put(object, Boolean.TRUE) != null) {
            return 0;
        }
        nodes++;
        long size = shallow(object);
        if (depth >= maxDepth || !(ownership.ownsObject(object) || Reach.isJdk(object.getClass()))) {
            return size;
        }
        Reach.Shape shape = Reach.shape(object.getClass());
        try {
            switch (shape.kind()) {
                case ARRAY -> {
                    Object[] array = (Object[]) object;
                    for (int i = 0; i < array.length && nodes < maxNodes; i++) {
                        size += size(array[i], depth + 1);
                    }
                }
                case ATOMIC_ARRAY -> {
                    AtomicReferenceArray<?> array = (AtomicReferenceArray<?>) object;
                    for (int i = 0; i < array.length() && nodes < maxNodes; i++) {
                        size += size(array.get(i), depth + 1);
                    }
                }
                case OPTIONAL -> size += size(((Optional<?>) object).orElse(null), depth + 1);
                case ATOMIC -> size += size(((AtomicReference<?>) object).get(), depth + 1);
                case ITERABLE -> {
                    Collection<?> collection = (Collection<?>) object;
                    int read = 0;
                    for (Object element : collection) {
                        if (nodes >= maxNodes) {
                            break;
                        }
                        read++;
                        size += size(element, depth + 1);
                    }
                    size += (long) ENTRY * Math.max(read, entries(collection));
                }
                case NODES -> {
                    Reach.Nodes chain = shape.nodes();
                    int read = 0;
                    for (Object node = chain.first(object); node != null && nodes < maxNodes;
                            node = chain.after(node)) {
                        nodes++;
                        read++;
                        size += size(chain.element(node), depth + 1);
                    }
                    size += (long) ENTRY * Math.max(read, entries(object));
                }
                case MAP -> {
                    Map<?, ?> map = (Map<?, ?>) object;
                    int read = 0;
                    for (Map.Entry<?, ?> entry : map.entrySet()) {
                        if (nodes >= maxNodes) {
                            break;
                        }
                        read++;
                        size += size(entry.getKey(), depth + 1) + size(entry.getValue(), depth + 1);
                    }
                    size += (long) ENTRY * Math.max(read, entries(map));
                }
                case FIELDS -> {
                    for (Field field : shape.fields()) {
                        size += size(field.get(object), depth + 1);
                    }
                }
                case REFERENCE, LEAF -> {
                }
            }
        } catch (RuntimeException | IllegalAccessException e) {
            // Another thread changed the structure under us: what was not read is simply not counted.
        }
        return size;
    }

    private static long shallow(Object object) {
        Class<?> type = object.getClass();
        if (type.isArray()) {
            return aligned(ARRAY_HEADER + (long) Array.getLength(object) * slotSize(type.getComponentType()));
        }
        if (object instanceof String text) {
            // The String itself plus its byte[]; one byte a character, as compact strings store most text.
            return INSTANCE_SIZES.get(String.class) + aligned(ARRAY_HEADER + text.length());
        }
        return INSTANCE_SIZES.get(type);
    }

    private static int slotSize(Class<?> type) {
        if (type == long.class || type == double.class) {
            return 8;
        }
        if (type == int.class || type == float.class) {
            return 4;
        }
        if (type == short.class || type == char.class) {
            return 2;
        }
        if (type == byte.class || type == boolean.class) {
            return 1;
        }
        return REFERENCE;
    }

    /**
     * How many entries a JDK collection or map holds, those the walk does not reach too, or 0 for a Hashtable, whose
     * size() waits for its monitor, which any code may hold for good, and a LinkedBlockingDeque, whose size() waits for
     * the lock its own methods hold while they run the application's equals: only the entries read are counted then.
     * A LinkedBlockingQueue counts its elements apart, and its size() takes no lock.
     */
    private static int entries(Object container) {
        if (container instanceof Hashtable || container instanceof LinkedBlockingDeque) {
            return 0;
        }
        return container instanceof Map<?, ?> map ? map.size() : ((Collection<?>) container).size();
    }

    private static long aligned(long size) {
        return (size + 7) & ~7L;
    }
}

package io.leakguard.findleaks;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One pass over an HPROF file that keeps what a reference walk needs and nothing else: names, class layouts, GC
 * roots, and for every object that can hold references its id and where its record starts. Primitive arrays are
 * skipped: they hold no references, and they are most of a heap. Objects are looked up by binary search in a sorted
 * id array, so the index costs 16 bytes per object instead of a hash map entry.
 */
final class HeapIndex {

    static final int INSTANCE = 0x21;
    static final int OBJECT_ARRAY = 0x22;
    static final int CLASS = 0x20;
    private static final int PRIMITIVE_ARRAY = 0x23;
    private static final int STRING = 0x01;
    private static final int LOAD_CLASS = 0x02;
    private static final int HEAP_DUMP = 0x0C;
    private static final int HEAP_DUMP_SEGMENT = 0x1C;
    static final int ROOT_THREAD_OBJECT = 0x08;
    /** Not an HPROF tag: the values ClassValues computed for a class, which HPROF shows without that class. */
    static final int ROOT_CLASS_VALUES = 0x100;
    private static final String CLASS_VALUE_MAP = "java/lang/ClassValue$ClassValueMap";
    /** The index's id and position of an object, and the shortest path's parent and queue entry for it. */
    private static final long BYTES_PER_OBJECT = 8 + 8 + 4 + 4;

    final HprofFile file;
    final Map<Long, String> strings = new HashMap<>();
    final Map<Long, String> classNames = new HashMap<>();
    final LongMap<ClassRecord> classes = new LongMap<>();
    final Map<Integer, Long> threadsBySerial = new HashMap<>();
    final Roots roots = new Roots();
    /** Which classes' instances are left out of the index, decided once per class. */
    private final LongMap<Boolean> leaves = new LongMap<>();
    /** Sorted object ids and, at the same index, the file position of each object's record. */
    long[] ids;
    long[] positions;
    int objects;

    private HeapIndex(HprofFile file) {
        this.file = file;
    }

    /**
     * Reads the file twice: first names, classes and roots, counting the objects to index; then the objects into
     * arrays of exactly that size, since growing them on the way would need twice the memory at the worst moment.
     */
    static HeapIndex read(HprofFile file) {
        HeapIndex index = new HeapIndex(file);
        int[] count = {0};
        index.forEachRecord(true, (tag, position) -> {
            if (index.indexed(tag, position)) {
                count[0]++;
            }
        });
        roomFor(count[0]);
        index.ids = new long[count[0]];
        index.positions = new long[count[0]];
        index.forEachRecord(false, (tag, position) -> {
            if (index.indexed(tag, position)) {
                index.ids[index.objects] = file.id(position + 1);
                index.positions[index.objects++] = position;
            }
        });
        index.sortObjects();
        index.addClassValueRoots();
        return index;
    }

    /**
     * The analysis runs on the heap of the server it analyses, whose other threads must not run out of memory for it:
     * it takes at most half of what is free. The last full collection was the dump's, so what is used is about what
     * is live.
     *
     * @throws IllegalStateException when the heap has no room for the index of that many objects
     */
    private static void roomFor(int objects) {
        long needed = BYTES_PER_OBJECT * objects;
        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        if (needed > free / 2) {
            throw new IllegalStateException("no analysis of the heap dump: its " + objects + " objects need "
                    + (needed >> 20) + " MB of heap, and only " + (free >> 20) + " MB are free, of which Find leaks"
                    + " takes at most half (give the server a larger heap, -Xmx)");
        }
    }

    /**
     * Makes a root of each map of ClassValue values. A class keeps its map in a field of its {@code java.lang.Class}
     * object, and HPROF writes a class as a class record, without the fields of that object: the map would look
     * unreachable, and a leak through a ClassValue (JDK-8136353) would have no chain at all.
     */
    private void addClassValueRoots() {
        Long mapClass = classNames.entrySet().stream().filter(e -> e.getValue().equals(CLASS_VALUE_MAP))
                .map(Map.Entry::getKey).findFirst().orElse(null);
        if (mapClass == null) {
            return;
        }
        for (int i = 0; i < objects; i++) {
            if (file.u1(positions[i]) == INSTANCE && classOfInstance(positions[i]) == mapClass) {
                roots.add(ROOT_CLASS_VALUES, ids[i], -1);
            }
        }
    }

    /** The index of the object with that id, or -1 for null, primitive arrays and ids not in the dump. */
    int indexOf(long id) {
        return id == 0 ? -1 : Math.max(-1, Arrays.binarySearch(ids, 0, objects, id));
    }

    String className(long classId) {
        String name = classNames.get(classId);
        return name == null ? "class@" + Long.toHexString(classId) : name.replace('/', '.');
    }

    long classOfInstance(long position) {
        return file.id(position + 1 + file.idSize + 4);
    }

    /**
     * The text of a {@code java.lang.String} of the dump, or null. Its characters are in a primitive array, and
     * strings themselves are not indexed, so this reads the file again: for the few names a report shows.
     */
    String string(long stringId) {
        long[] found = new long[1];
        forEachRecord(false, (tag, position) -> {
            if (tag == INSTANCE && file.id(position + 1) == stringId) {
                found[0] = position;
            }
        });
        if (found[0] == 0) {
            return null;
        }
        References references = new References(this);
        long value = references.field(found[0], "java.lang.String", "value");
        boolean utf16 = references.field(found[0], "java.lang.String", "coder") == 1;
        byte[] bytes = primitiveArray(value);
        if (bytes == null) {
            return null;
        }
        return new String(bytes, utf16 ? (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE) : StandardCharsets.ISO_8859_1);
    }

    private byte[] primitiveArray(long arrayId) {
        int id = file.idSize;
        byte[][] found = new byte[1][];
        forEachRecord(false, (tag, at) -> {
            if (tag == PRIMITIVE_ARRAY && found[0] == null && file.id(at + 1) == arrayId) {
                int length = file.u4(at + 1 + id + 4) * file.sizeOf(file.u1(at + 1 + id + 8));
                found[0] = file.bytes(at + 1 + id + 9, length);
            }
        });
        return found[0];
    }

    /**
     * Objects worth indexing: those a chain can run through or end at. Strings and instances of JDK classes without
     * reference fields lead nowhere and never belong to an application, and they are most objects of a heap.
     */
    private boolean indexed(int tag, long position) {
        if (tag == CLASS || tag == OBJECT_ARRAY) {
            return true;
        }
        if (tag != INSTANCE) {
            return false;
        }
        long classId = classOfInstance(position);
        Boolean leaf = leaves.get(classId);
        if (leaf == null) {
            leaf = isLeaf(classId);
            leaves.put(classId, leaf);
        }
        return !leaf;
    }

    private boolean isLeaf(long classId) {
        ClassRecord type = classes.get(classId);
        if (type == null || type.loaderId() != 0) {
            return false;
        }
        if ("java/lang/String".equals(classNames.get(classId))) {
            return true;
        }
        for (; type != null; type = classes.get(type.superId())) {
            for (int fieldType : type.fieldTypes()) {
                if (fieldType == 2) {
                    return false;
                }
            }
        }
        return true;
    }

    @FunctionalInterface
    private interface HeapRecordVisitor {
        void record(int tag, long position);
    }

    /** Visits every heap sub-record; on the first pass also keeps names, classes and roots. */
    private void forEachRecord(boolean firstPass, HeapRecordVisitor visitor) {
        long position = file.firstRecord;
        while (position < file.size) {
            int tag = file.u1(position);
            long length = file.u4(position + 5) & 0xFFFFFFFFL;
            long body = position + 9;
            if (tag == HEAP_DUMP || tag == HEAP_DUMP_SEGMENT) {
                for (long at = body; at < body + length; at = skip(at)) {
                    int subTag = file.u1(at);
                    if (firstPass) {
                        keep(subTag, at + 1);
                    }
                    visitor.record(subTag, at);
                }
            } else if (firstPass && tag == STRING) {
                strings.put(file.id(body), file.string(body + file.idSize, (int) (length - file.idSize)));
            } else if (firstPass && tag == LOAD_CLASS) {
                classNames.put(file.id(body + 4), strings.getOrDefault(file.id(body + 8 + file.idSize), "?"));
            }
            position = body + length;
        }
    }

    private void keep(int tag, long body) {
        int id = file.idSize;
        switch (tag) {
            case 0xFF, 0x05, 0x07, 0x01 -> roots.add(tag, file.id(body), -1);
            case 0x02, 0x03, 0x04, 0x06 -> roots.add(tag, file.id(body), file.u4(body + id));
            case ROOT_THREAD_OBJECT -> {
                threadsBySerial.put(file.u4(body + id), file.id(body));
                roots.add(tag, file.id(body), file.u4(body + id));
            }
            case CLASS -> readClass(body);
            default -> {
                // Objects are indexed by the caller.
            }
        }
    }

    /** Where the heap sub-record after the one at {@code position} starts. */
    private long skip(long position) {
        int id = file.idSize;
        long body = position + 1;
        int tag = file.u1(position);
        return switch (tag) {
            case 0xFF, 0x05, 0x07 -> body + id;
            case 0x01 -> body + 2L * id;
            case 0x02, 0x03, ROOT_THREAD_OBJECT -> body + id + 8;
            case 0x04, 0x06 -> body + id + 4;
            case CLASS -> classEnd(body);
            case INSTANCE -> body + id + 4 + id + 4 + (file.u4(body + id + 4 + id) & 0xFFFFFFFFL);
            case OBJECT_ARRAY -> body + id + 4 + 4 + id + (long) file.u4(body + id + 4) * id;
            case PRIMITIVE_ARRAY -> body + id + 4 + 4 + 1
                    + (long) file.u4(body + id + 4) * file.sizeOf(file.u1(body + id + 8));
            default -> throw new IllegalStateException("unknown HPROF heap record 0x" + Integer.toHexString(tag)
                    + " at " + position);
        };
    }

    private long classEnd(long body) {
        int id = file.idSize;
        long position = staticFields(body);
        int statics = file.u2(position);
        position += 2;
        for (int i = 0; i < statics; i++) {
            position += id + 1 + file.sizeOf(file.u1(position + id));
        }
        return position + 2 + (long) file.u2(position) * (id + 1);
    }

    private void readClass(long body) {
        int id = file.idSize;
        long classId = file.id(body);
        long superId = file.id(body + id + 4);
        long loaderId = file.id(body + 2L * id + 4);
        long protectionDomainId = file.id(body + 4L * id + 4);
        long position = staticFields(body);
        int statics = file.u2(position);
        position += 2;
        long[] staticNames = new long[statics];
        long[] staticValues = new long[statics];
        int references = 0;
        for (int i = 0; i < statics; i++) {
            int type = file.u1(position + id);
            if (type == 2) {
                staticNames[references] = file.id(position);
                staticValues[references++] = file.id(position + id + 1);
            }
            position += id + 1 + file.sizeOf(type);
        }
        int fields = file.u2(position);
        position += 2;
        long[] fieldNames = new long[fields];
        int[] fieldTypes = new int[fields];
        for (int i = 0; i < fields; i++) {
            fieldNames[i] = file.id(position);
            fieldTypes[i] = file.u1(position + id);
            position += id + 1;
        }
        classes.put(classId, new ClassRecord(classId, superId, loaderId, protectionDomainId, fieldNames, fieldTypes,
                Arrays.copyOf(staticNames, references), Arrays.copyOf(staticValues, references)));
    }

    /** Where a CLASS_DUMP's static fields start, past its header and constant pool. */
    private long staticFields(long body) {
        long position = body + 7L * file.idSize + 4 + 4;
        int constants = file.u2(position);
        position += 2;
        for (int i = 0; i < constants; i++) {
            position += 2 + 1 + file.sizeOf(file.u1(position + 2));
        }
        return position;
    }

    /** HotSpot writes objects region by region, classes and parallel segments apart: mostly, not wholly, sorted. */
    private void sortObjects() {
        for (int i = 1; i < objects; i++) {
            if (ids[i - 1] > ids[i]) {
                ParallelSort.byFirst(ids, positions, objects);
                return;
            }
        }
    }

    /** GC roots in dump order: the object, the kind of root (HPROF sub-record tag), and the thread when it has one. */
    static final class Roots {
        long[] objects = new long[1024];
        int[] kinds = new int[1024];
        int[] threadSerials = new int[1024];
        int count;

        private void add(int kind, long object, int threadSerial) {
            if (count == objects.length) {
                objects = Arrays.copyOf(objects, count * 2);
                kinds = Arrays.copyOf(kinds, count * 2);
                threadSerials = Arrays.copyOf(threadSerials, count * 2);
            }
            objects[count] = object;
            kinds[count] = kind;
            threadSerials[count++] = threadSerial;
        }
    }
}

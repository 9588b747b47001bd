package io.leakguard.findleaks;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    final HprofFile file;
    final Map<Long, String> strings = new HashMap<>();
    final Map<Long, String> classNames = new HashMap<>();
    final Map<Long, ClassRecord> classes = new HashMap<>();
    final Map<Integer, Long> threadsBySerial = new HashMap<>();
    final Roots roots = new Roots();
    /** Sorted object ids and, at the same index, the file position of each object's record. */
    long[] ids = new long[1 << 16];
    long[] positions = new long[1 << 16];
    int objects;

    private HeapIndex(HprofFile file) {
        this.file = file;
    }

    static HeapIndex read(HprofFile file) {
        HeapIndex index = new HeapIndex(file);
        index.scan();
        index.sortObjects();
        return index;
    }

    static HeapIndex read(Path path) throws IOException {
        return read(new HprofFile(path));
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
     * The text of a {@code java.lang.String} of the dump, or null. Its characters are in a primitive array, which the
     * index skipped, so this reads the file again: for the few names a report shows, never in a loop over objects.
     */
    String string(long stringId) {
        int object = indexOf(stringId);
        if (object < 0) {
            return null;
        }
        References references = new References(this);
        long value = references.field(positions[object], "java.lang.String", "value");
        boolean utf16 = references.field(positions[object], "java.lang.String", "coder") == 1;
        byte[] bytes = primitiveArray(value);
        if (bytes == null) {
            return null;
        }
        return new String(bytes, utf16 ? (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE) : StandardCharsets.ISO_8859_1);
    }

    private byte[] primitiveArray(long arrayId) {
        long position = file.firstRecord;
        int id = file.idSize;
        while (position < file.size) {
            int tag = file.u1(position);
            long end = position + 9 + (file.u4(position + 5) & 0xFFFFFFFFL);
            if (tag == HEAP_DUMP || tag == HEAP_DUMP_SEGMENT) {
                for (long at = position + 9; at < end; at = skip(at)) {
                    if (file.u1(at) == PRIMITIVE_ARRAY && file.id(at + 1) == arrayId) {
                        int length = file.u4(at + 1 + id + 4) * file.sizeOf(file.u1(at + 1 + id + 8));
                        return file.bytes(at + 1 + id + 9, length);
                    }
                }
            }
            position = end;
        }
        return null;
    }

    private void scan() {
        long position = file.firstRecord;
        while (position < file.size) {
            int tag = file.u1(position);
            long length = file.u4(position + 5) & 0xFFFFFFFFL;
            long body = position + 9;
            switch (tag) {
                case STRING -> strings.put(file.id(body),
                        file.string(body + file.idSize, (int) (length - file.idSize)));
                case LOAD_CLASS -> classNames.put(file.id(body + 4),
                        strings.getOrDefault(file.id(body + 8 + file.idSize), "?"));
                case HEAP_DUMP, HEAP_DUMP_SEGMENT -> scanHeap(body, body + length);
                default -> {
                    // Stack traces, allocation sites and the like say nothing about references.
                }
            }
            position = body + length;
        }
    }

    private void scanHeap(long position, long end) {
        int id = file.idSize;
        while (position < end) {
            int tag = file.u1(position);
            long body = position + 1;
            switch (tag) {
                case 0xFF, 0x05, 0x07, 0x01 -> roots.add(tag, file.id(body), -1);
                case 0x02, 0x03, 0x04, 0x06 -> roots.add(tag, file.id(body), file.u4(body + id));
                case ROOT_THREAD_OBJECT -> {
                    threadsBySerial.put(file.u4(body + id), file.id(body));
                    roots.add(tag, file.id(body), file.u4(body + id));
                }
                case CLASS -> {
                    add(file.id(body), position);
                    readClass(body);
                }
                case INSTANCE, OBJECT_ARRAY -> add(file.id(body), position);
                default -> {
                    // Primitive arrays hold no references.
                }
            }
            position = skip(position);
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

    private void add(long id, long position) {
        if (objects == ids.length) {
            ids = Arrays.copyOf(ids, objects + (objects >> 1));
            positions = Arrays.copyOf(positions, ids.length);
        }
        ids[objects] = id;
        positions[objects++] = position;
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

package io.leakguard.findleaks;

import java.util.Map;

/**
 * The strong references an object of the dump holds, as the collector sees them: instance fields up the class
 * hierarchy, array elements, a class's statics, superclass, loader and protection domain, and an instance's class.
 * {@code Reference.referent} is left out: what only a soft, weak, phantom or final reference reaches is not what keeps
 * a class loader alive (the detector's own phantom references among them).
 */
final class References {

    enum Kind { FIELD, STATIC, ELEMENT, CLASS_OF, SUPERCLASS, LOADER, PROTECTION_DOMAIN }

    /** Receives each reference; {@code owner} and {@code name} are a class id and a name string id, or the index. */
    @FunctionalInterface
    interface Visitor {
        void reference(long target, Kind kind, long owner, long name);
    }

    private final HeapIndex heap;
    private final HprofFile file;
    private final long referenceClass;
    private final long referentName;

    References(HeapIndex heap) {
        this.heap = heap;
        this.file = heap.file;
        this.referenceClass = classId("java.lang.ref.Reference");
        this.referentName = stringId("referent");
    }

    long classId(String name) {
        String internal = name.replace('.', '/');
        return heap.classNames.entrySet().stream().filter(e -> e.getValue().equals(internal))
                .mapToLong(Map.Entry::getKey).findFirst().orElse(0);
    }

    /** The id of a name in the dump's string table, or 0 when no name of the dump has that text. */
    long stringId(String text) {
        return heap.strings.entrySet().stream().filter(e -> e.getValue().equals(text))
                .mapToLong(Map.Entry::getKey).findFirst().orElse(0);
    }

    void forEach(int object, Visitor visitor) {
        long position = heap.positions[object];
        int id = file.idSize;
        switch (file.u1(position)) {
            case HeapIndex.INSTANCE -> instanceFields(position, visitor);
            case HeapIndex.OBJECT_ARRAY -> {
                int length = file.u4(position + 1 + id + 4);
                long elements = position + 1 + id + 4 + 4 + id;
                for (int i = 0; i < length; i++) {
                    visitor.reference(file.id(elements + (long) i * id), Kind.ELEMENT, 0, i);
                }
            }
            case HeapIndex.CLASS -> {
                ClassRecord type = heap.classes.get(heap.ids[object]);
                for (int i = 0; i < type.staticNames().length; i++) {
                    visitor.reference(type.staticValues()[i], Kind.STATIC, type.id(), type.staticNames()[i]);
                }
                visitor.reference(type.superId(), Kind.SUPERCLASS, type.id(), 0);
                visitor.reference(type.loaderId(), Kind.LOADER, type.id(), 0);
                visitor.reference(type.protectionDomainId(), Kind.PROTECTION_DOMAIN, type.id(), 0);
            }
            default -> throw new IllegalStateException("not an object record at " + position);
        }
    }

    private void instanceFields(long position, Visitor visitor) {
        int id = file.idSize;
        long classId = heap.classOfInstance(position);
        visitor.reference(classId, Kind.CLASS_OF, classId, 0);
        long value = position + 1 + id + 4 + id + 4;
        for (ClassRecord type = heap.classes.get(classId); type != null; type = heap.classes.get(type.superId())) {
            for (int i = 0; i < type.fieldNames().length; i++) {
                int fieldType = type.fieldTypes()[i];
                if (fieldType == 2 && !(type.id() == referenceClass && type.fieldNames()[i] == referentName)) {
                    visitor.reference(file.id(value), Kind.FIELD, type.id(), type.fieldNames()[i]);
                }
                value += file.sizeOf(fieldType);
            }
        }
    }

    /** The raw value of a field of an instance: an object id, or the bits of a primitive; 0 when absent. */
    long field(long position, String declaringClass, String name) {
        return field(position, classId(declaringClass), stringId(name));
    }

    /** The same, for a field named by its declaring class's id and its name's string id: for a walk over many. */
    long field(long position, long owner, long nameId) {
        long value = position + 1 + file.idSize + 4 + file.idSize + 4;
        for (ClassRecord type = heap.classes.get(heap.classOfInstance(position)); type != null;
                type = heap.classes.get(type.superId())) {
            for (int i = 0; i < type.fieldNames().length; i++) {
                int fieldType = type.fieldTypes()[i];
                if (type.id() == owner && type.fieldNames()[i] == nameId) {
                    return fieldType == 2 ? file.id(value) : switch (file.sizeOf(fieldType)) {
                        case 1 -> file.u1(value);
                        case 2 -> file.u2(value);
                        case 4 -> file.u4(value);
                        default -> file.u8(value);
                    };
                }
                value += file.sizeOf(fieldType);
            }
        }
        return 0;
    }
}

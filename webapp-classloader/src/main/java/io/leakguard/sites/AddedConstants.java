package io.leakguard.sites;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Constants appended to a class's pool, each made once, numbered on from the pool's last. Constants that refer to
 * others are keyed by the indexes they refer to, not by text made up for the purpose: every stub asks for the same
 * recorder methods again, and a key string made anew would be hashed anew each time.
 */
final class AddedConstants {

    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int STRING = 8;
    private static final int METHOD_REF = 10;
    private static final int NAME_AND_TYPE = 12;

    private final ByteArrayOutputStream added = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(added);
    private final Map<String, Integer> utf8s = new HashMap<>();
    private final Map<Long, Integer> byReference = new HashMap<>();
    private int count;

    /** Takes the pool's count, and the index of its "Code", which a class with method bodies always has. */
    AddedConstants(int count, int code) {
        this.count = count;
        utf8s.put("Code", code);
    }

    /** The pool's count with the added constants, which the class file format limits to 65535. */
    int count() {
        return count;
    }

    int size() {
        return added.size();
    }

    void writeTo(ByteArrayOutputStream classfile) {
        classfile.writeBytes(added.toByteArray());
    }

    int utf8(String text) {
        Integer known = utf8s.get(text);
        if (known != null) {
            return known;
        }
        try {
            out.writeByte(UTF8);
            out.writeUTF(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        utf8s.put(text, count);
        return count++;
    }

    int string(String text) {
        return refer(STRING, utf8(text));
    }

    int methodRef(String owner, String name, String descriptor) {
        int type = refer(CLASS, utf8(owner));
        return refer(METHOD_REF, type, refer(NAME_AND_TYPE, utf8(name), utf8(descriptor)));
    }

    private int refer(int tag, int reference) {
        return refer(tag, reference, -1);
    }

    /** The constant of {@code tag} that names one other constant, or two, by index; -1 for no second. */
    private int refer(int tag, int first, int second) {
        long key = (long) tag << 32 | (long) first << 16 | second & 0xFFFF;
        Integer known = byReference.get(key);
        if (known != null) {
            return known;
        }
        try {
            out.writeByte(tag);
            out.writeShort(first);
            if (second >= 0) {
                out.writeShort(second);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byReference.put(key, count);
        return count++;
    }
}

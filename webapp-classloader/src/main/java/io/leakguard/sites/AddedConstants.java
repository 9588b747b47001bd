package io.leakguard.sites;

import java.nio.charset.StandardCharsets;
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

    private static final int MAX_UTF8_LENGTH = 0xFFFF;

    private final ClassOutput added = new ClassOutput(512);
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

    void writeTo(ClassOutput classfile) {
        classfile.write(added);
    }

    int utf8(String text) {
        Integer known = utf8s.get(text);
        if (known != null) {
            return known;
        }
        added.u1(UTF8);
        writeModifiedUtf8(text);
        utf8s.put(text, count);
        return count++;
    }

    /** A Utf8 constant of text that no other constant needs, such as a stub's name: written without a lookup. */
    int newUtf8(String text) {
        added.u1(UTF8);
        writeModifiedUtf8(text);
        return count++;
    }

    /** A String constant for one call site; two sites on one line may each have their own. */
    int newString(String text) {
        int utf8 = newUtf8(text);
        added.u1(STRING);
        added.u2(utf8);
        return count++;
    }

    /** The reference to a method no other reference names, a stub: its name and type too is made for it alone. */
    int newMethodRef(int type, int name, int descriptor) {
        added.u1(NAME_AND_TYPE);
        added.u2(name);
        added.u2(descriptor);
        added.u1(METHOD_REF);
        added.u2(type);
        added.u2(count++);
        return count++;
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
        added.u1(tag);
        added.u2(first);
        if (second >= 0) {
            added.u2(second);
        }
        byReference.put(key, count);
        return count++;
    }

    /**
     * The class file's own UTF-8: NUL takes two bytes and a character outside the basic plane takes six. The names and
     * sites written here are nearly always ASCII, which the JDK's encoder, compiled long before, writes as it is.
     */
    private void writeModifiedUtf8(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] encoded = utf8.length == text.length() && text.indexOf(0) < 0 ? utf8 : modifiedUtf8(text);
        if (encoded.length > MAX_UTF8_LENGTH) {
            throw new IllegalArgumentException("constant of " + encoded.length + " bytes");
        }
        added.u2(encoded.length);
        added.write(encoded, 0, encoded.length);
    }

    private static byte[] modifiedUtf8(String text) {
        ClassOutput encoded = new ClassOutput(3 * text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != 0 && c < 0x80) {
                encoded.u1(c);
            } else if (c < 0x800) {
                encoded.u1(0xC0 | c >> 6);
                encoded.u1(0x80 | c & 0x3F);
            } else {
                encoded.u1(0xE0 | c >> 12);
                encoded.u1(0x80 | c >> 6 & 0x3F);
                encoded.u1(0x80 | c & 0x3F);
            }
        }
        return encoded.toByteArray();
    }
}

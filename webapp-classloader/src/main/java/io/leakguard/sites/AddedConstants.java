package io.leakguard.sites;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/** Constants appended to a class's pool, each made once, numbered on from the pool's last. */
final class AddedConstants {

    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int STRING = 8;
    private static final int METHOD_REF = 10;
    private static final int NAME_AND_TYPE = 12;

    private final ByteArrayOutputStream added = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(added);
    private final Map<String, Integer> indexes = new HashMap<>();
    private int count;

    /** Takes the pool's count, and the index of its "Code", which a class with method bodies always has. */
    AddedConstants(int count, int code) {
        this.count = count;
        indexes.put(key(UTF8, "Code"), code);
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
        return add(key(UTF8, text), () -> out.writeUTF(text));
    }

    int string(String text) {
        int utf8 = utf8(text);
        return add(key(STRING, text), () -> out.writeShort(utf8));
    }

    int methodRef(String owner, String name, String descriptor) {
        int type = add(key(CLASS, owner), utf8(owner));
        int nameAndType = add(key(NAME_AND_TYPE, name + ' ' + descriptor), utf8(name), utf8(descriptor));
        return add(key(METHOD_REF, owner + '.' + name + descriptor), type, nameAndType);
    }

    private int add(String key, int... references) {
        return add(key, () -> {
            for (int reference : references) {
                out.writeShort(reference);
            }
        });
    }

    private int add(String key, Body body) {
        Integer known = indexes.get(key);
        if (known != null) {
            return known;
        }
        try {
            out.writeByte(key.charAt(0));
            body.write();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        indexes.put(key, count);
        return count++;
    }

    /** The tag, as the key's first character, and the constant's text. */
    private static String key(int tag, String text) {
        return (char) tag + text;
    }

    private interface Body {
        void write() throws IOException;
    }
}

package io.leakguard.sites;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.objectweb.asm.Opcodes;

/**
 * A class file read in place: where each constant pool entry starts, and the few readings {@link CallScan} and
 * {@link SiteStubs} need. Nothing is decoded until asked for, since most classes are only walked once and dropped.
 *
 * <p>This runs interpreted for an application's first hundred classes or so, where a method call costs as much as
 * reading a constant pool entry: so the loops and the readers they call read their bytes inline, not through
 * {@link #u2}, and the walk calls its visitor only for the names it could be looking for.
 */
final class ClassBytes {

    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    static final int METHOD_REF = 10;
    static final int INTERFACE_METHOD_REF = 11;
    private static final int LONG = 5;
    private static final int DOUBLE = 6;
    private static final int FIRST_CONSTANT = 10;
    /** What the JDK's UTF-8 decoder reads a malformed sequence as. */
    private static final char MALFORMED = '\uFFFD';
    /**
     * The newest class file format read and patched: the newest the ASM leakguard is built with reads, so that both
     * ways of instrumenting take the same classes. A newer format may mean what this reader does not know.
     */
    static final int NEWEST_VERSION = Opcodes.V28;

    private final byte[] code;
    /** Where each constant's entry starts, by constant pool index. */
    private final int[] entries;
    private final int poolEnd;

    /**
     * Walks the constant pool, handing to {@code utf8s} each Utf8 constant that could be one of the names it looks
     * for: {@code lengths[b]} is the bit set of the lengths, all under 64, of those names that start with byte
     * {@code b}. The walk is the one pass every class pays for, so whatever must look at every name looks during it.
     */
    ClassBytes(byte[] code, Utf8Visitor utf8s, long[] lengths) {
        this.code = code;
        if (u2(6) > NEWEST_VERSION) {
            throw new IllegalArgumentException("class file version " + u2(6));
        }
        int[] starts = new int[u2(8)];
        int at = FIRST_CONSTANT;
        for (int i = 1; i < starts.length; i++) {
            starts[i] = at;
            int tag = code[at];
            switch (tag) {
                case UTF8 -> {
                    int length = (code[at + 1] & 0xFF) << 8 | code[at + 2] & 0xFF;
                    // No name is empty, so an empty constant's "first byte", the next entry's tag, never matches.
                    if (length < Long.SIZE && (lengths[code[at + 3] & 0xFF] >>> length & 1) != 0) {
                        utf8s.visit(code, i, at + 3, length);
                    }
                    at += 3 + length;
                }
                case CLASS, 8, 16, 19, 20 -> at += 3;
                case 15 -> at += 4;
                case 3, 4, METHOD_REF, INTERFACE_METHOD_REF, 12, 9, 17, 18 -> at += 5;
                case LONG, DOUBLE -> {
                    at += 9;
                    i++;
                }
                // A constant of a class file format newer than this reader: the class loads as it came.
                default -> throw new IllegalArgumentException("constant pool tag " + tag + " at " + at);
            }
        }
        entries = starts;
        poolEnd = at;
    }

    /** Sees a Utf8 constant's bytes, {@code length} of them from {@code at}, without a string being made. */
    interface Utf8Visitor {
        void visit(byte[] code, int index, int at, int length);
    }

    byte[] code() {
        return code;
    }

    /**
     * Where each constant's entry starts, by index, for the loops over the whole pool that must not pay a call per
     * entry (see the constructor). Read only.
     */
    int[] entries() {
        return entries;
    }

    /** The number of constant pool slots, as the class file counts them: one more than the last index. */
    int poolCount() {
        return entries.length;
    }

    /** Where the constant pool ends and the access flags begin. */
    int poolEnd() {
        return poolEnd;
    }

    /**
     * The index of the constant that the constant at {@code index} refers to as its {@code operand}th: a Class its
     * name, a member reference its class then its name-and-type, a name-and-type its name then its descriptor.
     */
    int reference(int index, int operand) {
        int at = entries[index] + 1 + 2 * operand;
        return (code[at] & 0xFF) << 8 | code[at + 1] & 0xFF;
    }

    /** The class a method reference names, as the Utf8 constant's index. */
    int ownerName(int methodRef) {
        return reference(reference(methodRef, 0), 0);
    }

    int memberName(int methodRef) {
        return reference(reference(methodRef, 1), 0);
    }

    int memberDescriptor(int methodRef) {
        return reference(reference(methodRef, 1), 1);
    }

    /** A Utf8 constant as {@link SiteCall} spells names; a name that is not ASCII cannot match one. */
    String text(int utf8) {
        int at = entries[utf8];
        return new String(code, at + 3, u2(at + 1), StandardCharsets.ISO_8859_1);
    }

    /**
     * A Utf8 constant decoded as the JVM reads it (modified UTF-8), for names that end up in a message. It differs from
     * UTF-8 only in what UTF-8 calls malformed, a NUL or a character outside the basic plane, so the JDK's decoder,
     * compiled long before the patcher is, reads nearly every name.
     */
    String name(int utf8) {
        int at = entries[utf8];
        String utf = new String(code, at + 3, u2(at + 1), StandardCharsets.UTF_8);
        if (utf.indexOf(MALFORMED) < 0) {
            return utf;
        }
        try {
            return new DataInputStream(new ByteArrayInputStream(code, at + 1, u2(at + 1) + 2)).readUTF();
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed name at " + at, e);
        }
    }

    boolean textEquals(int utf8, byte[] text) {
        int at = entries[utf8];
        return u2(at + 1) == text.length && Arrays.equals(code, at + 3, at + 3 + text.length, text, 0, text.length);
    }

    int u1(int at) {
        return code[at] & 0xFF;
    }

    int u2(int at) {
        return (code[at] & 0xFF) << 8 | code[at + 1] & 0xFF;
    }

    int u4(int at) {
        return code[at] << 24 | (code[at + 1] & 0xFF) << 16 | (code[at + 2] & 0xFF) << 8 | code[at + 3] & 0xFF;
    }

    /** Where the next field or method starts, after the attributes that begin at {@code at}. */
    int skipAttributes(int at) {
        int attributes = u2(at);
        at += 2;
        for (int i = 0; i < attributes; i++) {
            at += 6 + u4(at + 2);
        }
        return at;
    }

    static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }
}

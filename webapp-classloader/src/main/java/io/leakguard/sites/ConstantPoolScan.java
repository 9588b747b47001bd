package io.leakguard.sites;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.objectweb.asm.Opcodes;

/**
 * Tells from a class file's constant pool alone whether its code can make a {@link SiteCall}: every call names its
 * owner, name and descriptor there. Most classes of an application make none and are loaded untouched, so this runs
 * on every class and must cost next to nothing beside defining it: one pass over the bytes, no parser, and no string
 * made unless a method reference names an owner or a method of the table.
 */
final class ConstantPoolScan {

    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int METHOD_REF = 10;
    private static final int INTERFACE_METHOD_REF = 11;
    private static final int NAME_AND_TYPE = 12;
    private static final int FIRST_CONSTANT = 10;

    private static final List<byte[]> OWNERS = SiteCall.OWNERS.stream().map(ConstantPoolScan::bytes).toList();
    private static final List<byte[]> ANY_OWNER_NAMES = SiteCall.ALL.stream()
            .filter(call -> call.owner().equals(SiteCall.ANY_OWNER)).map(call -> bytes(call.name())).toList();

    private final byte[] code;
    /** Where each constant's entry starts, by constant pool index. */
    private final int[] entries;

    private ConstantPoolScan(byte[] code) {
        this.code = code;
        entries = new int[u2(8)];
    }

    /** False only when no method reference of the class can be a call of {@link SiteCall#ALL}. */
    static boolean namesACall(byte[] classfile) {
        return new ConstantPoolScan(classfile).scan();
    }

    private boolean scan() {
        int at = FIRST_CONSTANT;
        for (int i = 1; i < entries.length; i++) {
            entries[i] = at;
            int tag = code[at];
            at += switch (tag) {
                case UTF8 -> 3 + u2(at + 1);
                case CLASS, 8, 16, 19, 20 -> 3;
                case 15 -> 4;
                case 3, 4, METHOD_REF, INTERFACE_METHOD_REF, NAME_AND_TYPE, 9, 17, 18 -> 5;
                case 5, 6 -> 9;
                // A constant this JDK's class files cannot hold: let the full parse decide what to do with it.
                default -> throw new IllegalArgumentException("constant pool tag " + tag + " at " + at);
            };
            if (tag == 5 || tag == 6) {
                i++;
            }
        }
        for (int i = 1; i < entries.length; i++) {
            int tag = code[entries[i]];
            if ((tag == METHOD_REF || tag == INTERFACE_METHOD_REF) && isSiteCall(entries[i], tag)) {
                return true;
            }
        }
        return false;
    }

    private boolean isSiteCall(int reference, int tag) {
        int owner = utf8(entries[u2(entries[u2(reference + 1)] + 1)]);
        int nameAndType = entries[u2(reference + 3)];
        int name = utf8(entries[u2(nameAndType + 1)]);
        if (!anyEquals(OWNERS, owner) && !anyEquals(ANY_OWNER_NAMES, name)) {
            return false;
        }
        String ownerName = text(owner);
        String methodName = text(name);
        String descriptor = text(utf8(entries[u2(nameAndType + 3)]));
        int[] opcodes = tag == METHOD_REF
                ? new int[] {Opcodes.INVOKEVIRTUAL, Opcodes.INVOKESPECIAL, Opcodes.INVOKESTATIC}
                : new int[] {Opcodes.INVOKEINTERFACE, Opcodes.INVOKESTATIC};
        return Arrays.stream(opcodes).anyMatch(op -> SiteCall.find(op, ownerName, methodName, descriptor) != null);
    }

    /** Where a Utf8 constant's length is, from the constant's entry. */
    private static int utf8(int entry) {
        return entry + 1;
    }

    private boolean anyEquals(List<byte[]> candidates, int utf8) {
        int length = u2(utf8);
        for (byte[] candidate : candidates) {
            if (candidate.length == length
                    && Arrays.equals(code, utf8 + 2, utf8 + 2 + length, candidate, 0, length)) {
                return true;
            }
        }
        return false;
    }

    /** A name as {@link SiteCall} spells it; a name that is not ASCII cannot match one, however it is decoded. */
    private String text(int utf8) {
        return new String(code, utf8 + 2, u2(utf8), StandardCharsets.ISO_8859_1);
    }

    private int u2(int at) {
        return (code[at] & 0xFF) << 8 | code[at + 1] & 0xFF;
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }
}

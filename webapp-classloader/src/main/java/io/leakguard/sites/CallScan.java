package io.leakguard.sites;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.objectweb.asm.Opcodes;

/**
 * Finds the methods of a class file that can make a {@link SiteCall}, from its raw bytes. Every call names its owner,
 * name and descriptor in the constant pool, so one pass over the pool finds the method references that can be such
 * calls; most classes have none and are loaded untouched. For the others, a method whose code holds no invoke
 * instruction of one of those references is left out, since rewriting decodes and encodes every instruction and
 * frame of a method, and the classes that make such calls are often an application's largest. This runs on every
 * class and must cost next to nothing beside defining it: no parser, and no string made unless a method reference
 * names an owner or a method of the table.
 *
 * <p>The code is searched as bytes, not decoded into instructions: an operand that happens to spell an invoke of such
 * a reference only costs a needless rewrite of that method, which changes nothing in it.
 */
final class CallScan {

    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int METHOD_REF = 10;
    private static final int INTERFACE_METHOD_REF = 11;
    private static final int NAME_AND_TYPE = 12;
    private static final int FIRST_CONSTANT = 10;
    private static final int INVOKEVIRTUAL = 0xB6;
    private static final int INVOKEINTERFACE = 0xB9;
    private static final byte[] CODE = bytes("Code");

    private static final List<byte[]> OWNERS = SiteCall.OWNERS.stream().map(CallScan::bytes).toList();
    private static final List<byte[]> ANY_OWNER_NAMES = SiteCall.ALL.stream()
            .filter(call -> call.owner().equals(SiteCall.ANY_OWNER)).map(call -> bytes(call.name())).toList();

    private final byte[] code;
    /** Where each constant's entry starts, by constant pool index. */
    private final int[] entries;

    private CallScan(byte[] code) {
        this.code = code;
        entries = new int[u2(8)];
    }

    /** The methods, by their order in the class file, that can make a call of {@link SiteCall#ALL}. */
    static BitSet callingMethods(byte[] classfile) {
        return new CallScan(classfile).scan();
    }

    private BitSet scan() {
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
                // A constant of a class file format newer than this scan: the class loads as it came.
                default -> throw new IllegalArgumentException("constant pool tag " + tag + " at " + at);
            };
            if (tag == 5 || tag == 6) {
                i++;
            }
        }
        boolean[] siteCalls = new boolean[entries.length];
        boolean any = false;
        for (int i = 1; i < entries.length; i++) {
            int tag = code[entries[i]];
            if ((tag == METHOD_REF || tag == INTERFACE_METHOD_REF) && isSiteCall(entries[i], tag)) {
                siteCalls[i] = true;
                any = true;
            }
        }
        return any ? methodsInvoking(siteCalls, at) : new BitSet();
    }

    /** Walks fields and methods from {@code at}, the end of the constant pool, searching each method's code. */
    private BitSet methodsInvoking(boolean[] siteCalls, int at) {
        at += 6;
        at += 2 + 2 * u2(at);
        int fields = u2(at);
        at += 2;
        for (int i = 0; i < fields; i++) {
            at = skipAttributes(at + 6);
        }
        BitSet calling = new BitSet();
        int methods = u2(at);
        at += 2;
        for (int method = 0; method < methods; method++) {
            int attributes = u2(at + 6);
            at += 8;
            for (int i = 0; i < attributes; i++) {
                int length = u4(at + 2);
                if (isCode(u2(at)) && invokes(siteCalls, at + 14, at + 14 + u4(at + 10))) {
                    calling.set(method);
                }
                at += 6 + length;
            }
        }
        return calling;
    }

    private int skipAttributes(int at) {
        int attributes = u2(at);
        at += 2;
        for (int i = 0; i < attributes; i++) {
            at += 6 + u4(at + 2);
        }
        return at;
    }

    private boolean isCode(int nameIndex) {
        int name = utf8(entries[nameIndex]);
        return u2(name) == CODE.length && Arrays.equals(code, name + 2, name + 2 + CODE.length, CODE, 0, CODE.length);
    }

    private boolean invokes(boolean[] siteCalls, int from, int to) {
        for (int at = from; at + 2 < to; at++) {
            int opcode = code[at] & 0xFF;
            if (opcode >= INVOKEVIRTUAL && opcode <= INVOKEINTERFACE) {
                int index = u2(at + 1);
                if (index < siteCalls.length && siteCalls[index]) {
                    return true;
                }
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

    private int u4(int at) {
        return u2(at) << 16 | u2(at + 2);
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }
}

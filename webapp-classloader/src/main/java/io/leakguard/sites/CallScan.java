package io.leakguard.sites;

import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.Stream;
import org.objectweb.asm.Opcodes;

/**
 * Finds the methods of a class file that can make a {@link SiteCall}, from its raw bytes. Every call names its owner,
 * name and descriptor in the constant pool, so the one walk over the pool that reading a class takes anyway notes the
 * names of the table as it passes them; a class with none, most classes, is done with then. For the others, a method
 * whose code holds no invoke instruction of a matching reference is left out, since changing a method means decoding
 * it, and the classes that make such calls are often an application's largest. This runs on every class and must cost
 * next to nothing beside defining it: no parser, and no string made unless a method reference names an owner or a
 * method of the table.
 *
 * <p>The code is searched as bytes, not decoded into instructions: an operand that happens to spell an invoke of such
 * a reference only costs a needless look at that method, which then changes nothing in it.
 */
final class CallScan implements ClassBytes.Utf8Visitor {

    private static final int INVOKEVIRTUAL = 0xB6;
    private static final int INVOKEINTERFACE = 0xB9;
    private static final byte[] CODE = ClassBytes.ascii("Code");
    /** The instructions that can call a method through a Methodref, and through an InterfaceMethodref. */
    private static final int[] CLASS_INVOKES = {Opcodes.INVOKEVIRTUAL, Opcodes.INVOKESPECIAL, Opcodes.INVOKESTATIC};
    private static final int[] INTERFACE_INVOKES = {Opcodes.INVOKEINTERFACE, Opcodes.INVOKESTATIC};
    /** The owners of the table, and the names a method of any owner is recorded by, by their length. */
    private static final byte[][][] NAMES_BY_LENGTH = byLength(Stream.concat(SiteCall.OWNERS.stream(),
            SiteCall.ALL.stream().filter(call -> call.owner().equals(SiteCall.ANY_OWNER)).map(SiteCall::name)));
    /** The lengths of those names by their first byte, as {@link ClassBytes} takes them. */
    private static final long[] NAME_LENGTHS = lengths(NAMES_BY_LENGTH);

    private final ClassBytes bytes;
    /** The Utf8 constants that spell a name of the table, by index; null while there is none, as in most classes. */
    private BitSet named;
    /**
     * The call of the table made through each method reference, by index; null while there is none. No two calls of
     * the table differ only by invoke instructions that take the same kind of reference, so a reference is one call
     * at most (see SiteCallTest).
     */
    private SiteCall[] siteCalls;

    private CallScan(byte[] classfile) {
        bytes = new ClassBytes(classfile, this, NAME_LENGTHS);
    }

    static CallScan of(byte[] classfile) {
        return new CallScan(classfile);
    }

    ClassBytes bytes() {
        return bytes;
    }

    /** True for a Utf8 constant, by index, that spells an owner of the table or a name recorded on any owner. */
    boolean isNamed(int utf8) {
        return named != null && named.get(utf8);
    }

    /** The call of {@link SiteCall#ALL} that an invoke instruction makes through a method reference, or null. */
    SiteCall siteCall(int opcode, int reference) {
        SiteCall call = siteCalls != null && reference < siteCalls.length ? siteCalls[reference] : null;
        return call != null && call.opcode() == opcode ? call : null;
    }

    @Override
    public void visit(byte[] code, int index, int at, int length) {
        for (byte[] name : NAMES_BY_LENGTH[length]) {
            // The last byte first: names of one length share their package far more often than their end.
            if (code[at + length - 1] == name[length - 1] && Arrays.equals(code, at, at + length, name, 0, length)) {
                if (named == null) {
                    named = new BitSet();
                }
                named.set(index);
                return;
            }
        }
    }

    /** The methods, by their order in the class file, that can make a call of {@link SiteCall#ALL}. */
    BitSet callingMethods() {
        if (named == null) {
            return new BitSet();
        }
        // Many classes name one of the table (a start, a java/lang/Thread) and take this loop: read inline, as the
        // walk does.
        byte[] code = bytes.code();
        int[] entries = bytes.entries();
        for (int i = 1; i < entries.length; i++) {
            int tag = code[entries[i]];
            if ((tag == ClassBytes.METHOD_REF || tag == ClassBytes.INTERFACE_METHOD_REF)
                    && (named.get(bytes.ownerName(i)) || named.get(bytes.memberName(i)))) {
                match(i, tag);
            }
        }
        return siteCalls == null ? new BitSet() : methodsInvoking();
    }

    private void match(int reference, int tag) {
        String name = bytes.text(bytes.memberName(reference));
        if (!SiteCall.isCallName(name)) {
            return;
        }
        String owner = bytes.text(bytes.ownerName(reference));
        String descriptor = bytes.text(bytes.memberDescriptor(reference));
        for (int opcode : tag == ClassBytes.METHOD_REF ? CLASS_INVOKES : INTERFACE_INVOKES) {
            SiteCall call = SiteCall.find(opcode, owner, name, descriptor);
            if (call != null) {
                if (siteCalls == null) {
                    siteCalls = new SiteCall[bytes.poolCount()];
                }
                siteCalls[reference] = call;
                return;
            }
        }
    }

    /** Walks fields and methods after the constant pool, searching each method's code. */
    private BitSet methodsInvoking() {
        int at = bytes.poolEnd() + 6;
        at += 2 + 2 * bytes.u2(at);
        int fields = bytes.u2(at);
        at += 2;
        for (int i = 0; i < fields; i++) {
            at = bytes.skipAttributes(at + 6);
        }
        BitSet calling = new BitSet();
        int methods = bytes.u2(at);
        at += 2;
        int code = 0;
        for (int method = 0; method < methods; method++) {
            int attributes = bytes.u2(at + 6);
            at += 8;
            for (int i = 0; i < attributes; i++) {
                int name = bytes.u2(at);
                // Nearly every attribute of a method is its Code, all naming one constant:
                // compared by index once known.
                if (name != code && bytes.textEquals(name, CODE)) {
                    code = name;
                }
                if (name == code && invokes(at + 14, at + 14 + bytes.u4(at + 10))) {
                    calling.set(method);
                }
                at += 6 + bytes.u4(at + 2);
            }
        }
        return calling;
    }

    /** Reads inline, as ClassBytes's walk does: this looks at every byte of a candidate class's code. */
    private boolean invokes(int from, int to) {
        byte[] code = bytes.code();
        for (int at = from; at + 2 < to; at++) {
            int opcode = code[at] & 0xFF;
            if (opcode >= INVOKEVIRTUAL && opcode <= INVOKEINTERFACE
                    && siteCall(opcode, (code[at + 1] & 0xFF) << 8 | code[at + 2] & 0xFF) != null) {
                return true;
            }
        }
        return false;
    }

    private static long[] lengths(byte[][][] namesByLength) {
        long[] lengths = new long[256];
        for (int length = 0; length < namesByLength.length; length++) {
            for (byte[] name : namesByLength[length] == null ? new byte[0][] : namesByLength[length]) {
                if (length >= Long.SIZE) {
                    throw new IllegalStateException("a name of " + length + " characters does not fit the bit set");
                }
                lengths[name[0] & 0xFF] |= 1L << length;
            }
        }
        return lengths;
    }

    private static byte[][][] byLength(Stream<String> names) {
        byte[][][] byLength = new byte[0][][];
        for (byte[] name : names.map(ClassBytes::ascii).toList()) {
            if (name.length >= byLength.length) {
                byLength = Arrays.copyOf(byLength, name.length + 1);
            }
            byte[][] same = byLength[name.length] == null ? new byte[0][] : byLength[name.length];
            byte[][] added = Arrays.copyOf(same, same.length + 1);
            added[same.length] = name;
            byLength[name.length] = added;
        }
        return byLength;
    }
}
